/** Static pods: pods read from the node's manifest directory, mirrored into the API server. */
package io.k8j.kubelet.config;
