/**
 * Pods in terms of the runtime (upstream's kuberuntime): sandbox and container configurations, what
 * the runtime has for a pod ({@link io.k8j.kubelet.kuberuntime.PodRuntimeState}), the actions that
 * bring it to the spec ({@link io.k8j.kubelet.kuberuntime.PodActions}) and the manager that applies
 * them.
 */
package io.k8j.kubelet.kuberuntime;
