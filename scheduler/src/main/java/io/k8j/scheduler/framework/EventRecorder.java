package io.k8j.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;

/** Records Kubernetes events about pods; never blocks the caller. */
public interface EventRecorder {
  /**
   * @param type {@code Normal} or {@code Warning}
   * @param reason e.g. {@code Scheduled}, {@code FailedScheduling}, {@code Preempted}
   */
  void event(Pod regarding, String type, String reason, String action, String message);

  EventRecorder DISCARD = (regarding, type, reason, action, message) -> {};
}
