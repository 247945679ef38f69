/**
 * What cluster DNS knows of the cluster: Services, ready EndpointSlice addresses and Namespaces,
 * reduced to what answers need and indexed by name and by IP, kept current from informers.
 */
package io.k8j.dns.model;
