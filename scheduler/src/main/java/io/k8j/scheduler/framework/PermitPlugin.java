package io.k8j.scheduler.framework;

import java.time.Duration;

/**
 * The last say before binding: allow, reject, or hold the pod (Wait) until something calls {@link
 * WaitingPod#allow} or {@link WaitingPod#reject}, or the timeout passes (a rejection).
 */
public interface PermitPlugin extends Plugin {
  /** The verdict and, for Wait, how long to wait at most. */
  record Result(Status status, Duration timeout) {
    public static Result allow() {
      return new Result(Status.SUCCESS, Duration.ZERO);
    }

    public static Result waitFor(Duration timeout) {
      return new Result(Status.waiting(), timeout);
    }
  }

  Result permit(CycleState state, PodInfo pod, String nodeName);
}
