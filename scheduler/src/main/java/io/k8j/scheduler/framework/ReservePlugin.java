package io.k8j.scheduler.framework;

/**
 * Told that the pod has been assumed on a node (reserve) and, when a later step fails, that it no
 * longer is (unreserve). Unreserve must be idempotent and must not fail.
 */
public interface ReservePlugin extends Plugin {
  Status reserve(CycleState state, PodInfo pod, String nodeName);

  void unreserve(CycleState state, PodInfo pod, String nodeName);
}
