/**
 * What every component shares on top of the fabric8 client: informers, work queues, controllers.
 */
package io.k8j.client;
