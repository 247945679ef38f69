/**
 * The pod network: the node's CNI configuration (a bridge with host-local addresses from the pod
 * range).
 */
package io.k8j.kubelet.network;
