/**
 * What every component shares on top of the fabric8 client: informers and their listers, the {@link
 * io.k8j.client.Controller} loop, expectations, and the narrow write interfaces controllers act
 * through. Implementations on fabric8 live in {@code impl}; in-memory ones for unit tests in {@code
 * fake}.
 */
package io.k8j.client;
