package io.k8j.scheduler.framework;

/**
 * Decides whether the pod can run on one node. Called concurrently for different nodes; reads the
 * cycle state and the node, changes neither.
 */
public interface FilterPlugin extends Plugin {
  /**
   * Success when the pod fits; otherwise Unschedulable (preemption might help) or
   * UnschedulableAndUnresolvable, with reasons in upstream's words ("Insufficient cpu").
   */
  Status filter(CycleState state, PodInfo pod, NodeInfo node);
}
