package io.k8j.scheduler.framework;

/**
 * Runs once per cycle before the filters: computes what the filters need into the {@link
 * CycleState}, may reject the pod for every node at once, may narrow the nodes to consider, and may
 * return Skip to have its filter not run this cycle.
 */
public interface PreFilterPlugin extends Plugin {
  PreFilterResult preFilter(CycleState state, PodInfo pod);

  /**
   * How to update this plugin's pre-filter state when preemption or nominated pods add or remove a
   * pod on a node; null when the state does not depend on other pods.
   */
  default PreFilterExtensions preFilterExtensions() {
    return null;
  }

  /** Incremental updates of a plugin's pre-filter state, for preemption's "what if". */
  interface PreFilterExtensions {
    /** {@code toAdd} is now on {@code node}; update {@code state} (a copy owned by the caller). */
    Status addPod(CycleState state, PodInfo toSchedule, PodInfo toAdd, NodeInfo node);

    /** {@code toRemove} is no longer on {@code node}. */
    Status removePod(CycleState state, PodInfo toSchedule, PodInfo toRemove, NodeInfo node);
  }
}
