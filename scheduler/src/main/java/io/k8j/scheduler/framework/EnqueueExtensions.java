package io.k8j.scheduler.framework;

import java.util.List;

/**
 * Implemented by plugins that can reject pods (pre-enqueue, pre-filter, filter, reserve, permit):
 * the cluster events after which a pod they rejected may fit. A rejecting plugin that does not
 * implement this has its pods moved on every event.
 */
public interface EnqueueExtensions {
  List<ClusterEvent.WithHint> eventsToRegister();
}
