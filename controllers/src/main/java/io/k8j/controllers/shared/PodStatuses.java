package io.k8j.controllers.shared;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.time.Duration;
import java.time.Instant;

/** Pod states controllers decide on, as upstream's {@code podutil} and {@code controller}. */
public final class PodStatuses {
  private PodStatuses() {}

  public static String phase(Pod pod) {
    return pod.getStatus() == null || pod.getStatus().getPhase() == null
        ? ""
        : pod.getStatus().getPhase();
  }

  /** Not Succeeded, not Failed, not being deleted: upstream's {@code IsPodActive}. */
  public static boolean isActive(Pod pod) {
    String phase = phase(pod);
    return !phase.equals("Succeeded")
        && !phase.equals("Failed")
        && pod.getMetadata().getDeletionTimestamp() == null;
  }

  public static PodCondition condition(Pod pod, String type) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return null;
    }
    for (PodCondition c : pod.getStatus().getConditions()) {
      if (type.equals(c.getType())) {
        return c;
      }
    }
    return null;
  }

  public static boolean isReady(Pod pod) {
    PodCondition c = condition(pod, "Ready");
    return c != null && "True".equals(c.getStatus());
  }

  /** When the pod last became ready, or null. */
  public static Instant readyTime(Pod pod) {
    PodCondition c = condition(pod, "Ready");
    return c == null || !"True".equals(c.getStatus())
        ? null
        : Times.parse(c.getLastTransitionTime());
  }

  /** Ready for at least {@code minReadySeconds}: upstream's {@code IsPodAvailable}. */
  public static boolean isAvailable(Pod pod, int minReadySeconds, Instant now) {
    if (!isReady(pod)) {
      return false;
    }
    if (minReadySeconds == 0) {
      return true;
    }
    Instant since = readyTime(pod);
    return since != null && since.plus(Duration.ofSeconds(minReadySeconds)).isBefore(now);
  }

  public static String nodeName(Pod pod) {
    return pod.getSpec() == null || pod.getSpec().getNodeName() == null
        ? ""
        : pod.getSpec().getNodeName();
  }
}
