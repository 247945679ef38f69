/** The client interfaces on the fabric8 client: informers, writes, discovery, raw requests. */
package io.k8j.client.impl;
