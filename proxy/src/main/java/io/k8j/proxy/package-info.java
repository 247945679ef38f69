/** The service proxy: routes Service traffic to ready endpoints on each node. */
package io.k8j.proxy;
