/**
 * The node IPAM controller: gives every Node a pod range ({@code spec.podCIDR}) out of the cluster
 * CIDR, as upstream's range allocator does.
 */
package io.k8j.controllers.nodeipam;
