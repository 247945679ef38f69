package io.k8j.scheduler.framework;

/** Runs when no node fits the pod, to make one fit (preemption). */
public interface PostFilterPlugin extends Plugin {
  /**
   * @param filtered why each node was rejected
   * @return Success with a nominated node when the pod may fit there after evictions; otherwise
   *     Unschedulable with a message for the user
   */
  PostFilterResult postFilter(CycleState state, PodInfo pod, NodeToStatus filtered);
}
