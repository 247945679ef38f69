/**
 * The pods this kubelet runs: the desired set (API and static pods, with mirror pods), one worker
 * per pod driven by updates, lifecycle events and resyncs, and the pod's sync itself.
 */
package io.k8j.kubelet.pod;
