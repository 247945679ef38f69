/**
 * The process runtime: pods as host processes (each container's command and args), each pod in a
 * network namespace of its own with an address from the node's CNI bridge when running as root,
 * volumes bind-mounted in a private mount namespace, resources in cgroups.
 */
package io.k8j.kubelet.runtime.process;
