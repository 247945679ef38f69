/** The node: what the machine has, its registration and status, and its Lease heartbeat. */
package io.k8j.kubelet.node;
