/**
 * The CRI runtime: the kubelet's runtime calls as runtime.v1 gRPC over a unix socket, and {@link
 * io.k8j.kubelet.runtime.cri.Containerd}, which runs the node's own containerd (as k3s does).
 */
package io.k8j.kubelet.runtime.cri;
