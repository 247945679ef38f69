package io.k8j.scheduler.framework;

/** Orders the active queue. Exactly one per scheduler, the same in every profile. */
public interface QueueSortPlugin extends Plugin {
  /** Whether {@code a} should be scheduled before {@code b}. */
  boolean less(QueuedPodInfo a, QueuedPodInfo b);
}
