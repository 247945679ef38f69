package io.k8j.controllers.deployment;

import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.k8j.controllers.shared.Times;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Deployment conditions and their reasons, as upstream's {@code deploymentutil}. */
final class DeploymentConditions {
  static final String AVAILABLE = "Available";
  static final String PROGRESSING = "Progressing";
  static final String REPLICA_FAILURE = "ReplicaFailure";

  static final String NEW_RS_AVAILABLE = "NewReplicaSetAvailable";
  static final String TIMED_OUT = "ProgressDeadlineExceeded";
  static final String RS_UPDATED = "ReplicaSetUpdated";
  static final String NEW_RS_CREATED = "NewReplicaSetCreated";
  static final String FOUND_NEW_RS = "FoundNewReplicaSet";
  static final String FAILED_RS_CREATE = "ReplicaSetCreateError";
  static final String PAUSED = "DeploymentPaused";
  static final String RESUMED = "DeploymentResumed";
  static final String MIN_AVAILABLE = "MinimumReplicasAvailable";
  static final String MIN_UNAVAILABLE = "MinimumReplicasUnavailable";

  private DeploymentConditions() {}

  static DeploymentCondition create(
      String type, String status, String reason, String message, Instant now) {
    DeploymentCondition c = new DeploymentCondition();
    c.setType(type);
    c.setStatus(status);
    c.setReason(reason);
    c.setMessage(message);
    c.setLastUpdateTime(Times.format(now));
    c.setLastTransitionTime(Times.format(now));
    return c;
  }

  static DeploymentCondition get(DeploymentStatus status, String type) {
    if (status == null || status.getConditions() == null) {
      return null;
    }
    for (DeploymentCondition c : status.getConditions()) {
      if (type.equals(c.getType())) {
        return c;
      }
    }
    return null;
  }

  /**
   * Sets the condition, unless one of that type with that status and reason is there; keeps the
   * lastTransitionTime when the status does not change.
   */
  static void set(DeploymentStatus status, DeploymentCondition c) {
    DeploymentCondition current = get(status, c.getType());
    if (current != null
        && current.getStatus().equals(c.getStatus())
        && java.util.Objects.equals(current.getReason(), c.getReason())) {
      return;
    }
    if (current != null && current.getStatus().equals(c.getStatus())) {
      c.setLastTransitionTime(current.getLastTransitionTime());
    }
    remove(status, c.getType());
    status.getConditions().add(c);
  }

  static void remove(DeploymentStatus status, String type) {
    List<DeploymentCondition> kept = new ArrayList<>();
    if (status.getConditions() != null) {
      for (DeploymentCondition c : status.getConditions()) {
        if (!type.equals(c.getType())) {
          kept.add(c);
        }
      }
    }
    status.setConditions(kept);
  }
}
