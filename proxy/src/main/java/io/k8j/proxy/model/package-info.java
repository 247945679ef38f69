/**
 * What every proxy mode routes: Services and EndpointSlices reduced to service ports and their
 * endpoints ({@link io.k8j.proxy.model.ProxyState}), upstream's endpoint selection rules, and the
 * {@link io.k8j.proxy.model.Proxier} contract each mode implements.
 */
package io.k8j.proxy.model;
