/**
 * The API server as a client of the kubelets: HTTPS with its own client certificate to a node's
 * kubelet API, for {@code pods/log} and the resource metrics.
 */
package io.k8j.apiserver.kubelet;
