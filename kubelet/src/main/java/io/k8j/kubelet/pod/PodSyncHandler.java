package io.k8j.kubelet.pod;

import io.fabric8.kubernetes.api.model.Pod;
import io.k8j.kubelet.kuberuntime.WaitingReasons;

/** What a pod worker calls at each turn of its state machine ({@link PodSyncer} in the kubelet). */
public interface PodSyncHandler {
  /** Syncs a pod that should run. Must be idempotent: it runs again at every resync. */
  PodSyncer.Outcome syncPod(Pod pod, WaitingReasons reasons);

  /** Stops everything of the pod; called until it succeeds. */
  void syncTerminatingPod(Pod pod, WaitingReasons reasons);

  /** Cleans up after a stopped pod; {@code removed} once it is gone from the API server. */
  void syncTerminatedPod(Pod pod, boolean removed);
}
