package io.k8j.controllers.deployment;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.k8j.client.Keys;
import io.k8j.client.queue.WorkQueue;
import io.k8j.controllers.shared.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Upstream's {@code progress.go}: the Progressing condition (NewReplicaSetAvailable once complete,
 * ReplicaSetUpdated while it moves, ProgressDeadlineExceeded when it has not moved for
 * progressDeadlineSeconds), the paused and resumed conditions, and the requeue that notices a
 * deadline passing.
 */
final class Progress {
  private final DeploymentSync sync;
  private final WorkQueue<String> queue;

  Progress(DeploymentSync sync, WorkQueue<String> queue) {
    this.sync = sync;
    this.queue = queue;
  }

  void syncRolloutStatus(List<ReplicaSet> all, ReplicaSet newRs, Deployment d) {
    DeploymentStatus newStatus = sync.calculateStatus(all, newRs, d);
    if (!DeploymentSync.hasProgressDeadline(d)) {
      DeploymentConditions.remove(newStatus, DeploymentConditions.PROGRESSING);
    }
    DeploymentCondition current =
        DeploymentConditions.get(d.getStatus(), DeploymentConditions.PROGRESSING);
    boolean complete =
        Objects.equals(newStatus.getReplicas(), newStatus.getUpdatedReplicas())
            && current != null
            && DeploymentConditions.NEW_RS_AVAILABLE.equals(current.getReason());
    Instant now = sync.clock.now();
    String name = d.getMetadata().getName();
    if (DeploymentSync.hasProgressDeadline(d) && !complete) {
      if (deploymentComplete(d, newStatus)) {
        String msg =
            newRs != null
                ? "ReplicaSet \""
                    + newRs.getMetadata().getName()
                    + "\" has successfully progressed."
                : "Deployment \"" + name + "\" has successfully progressed.";
        DeploymentConditions.set(
            newStatus,
            DeploymentConditions.create(
                DeploymentConditions.PROGRESSING,
                "True",
                DeploymentConditions.NEW_RS_AVAILABLE,
                msg,
                now));
      } else if (deploymentProgressing(d, newStatus)) {
        String msg =
            newRs != null
                ? "ReplicaSet \"" + newRs.getMetadata().getName() + "\" is progressing."
                : "Deployment \"" + name + "\" is progressing.";
        DeploymentCondition c =
            DeploymentConditions.create(
                DeploymentConditions.PROGRESSING,
                "True",
                DeploymentConditions.RS_UPDATED,
                msg,
                now);
        if (current != null) {
          if ("True".equals(current.getStatus())) {
            c.setLastTransitionTime(current.getLastTransitionTime());
          }
          DeploymentConditions.remove(newStatus, DeploymentConditions.PROGRESSING);
        }
        DeploymentConditions.set(newStatus, c);
      } else if (timedOut(d, newStatus, now)) {
        String msg =
            newRs != null
                ? "ReplicaSet \"" + newRs.getMetadata().getName() + "\" has timed out progressing."
                : "Deployment \"" + name + "\" has timed out progressing.";
        DeploymentConditions.set(
            newStatus,
            DeploymentConditions.create(
                DeploymentConditions.PROGRESSING,
                "False",
                DeploymentConditions.TIMED_OUT,
                msg,
                now));
      }
    }
    List<DeploymentCondition> failures = DeploymentSync.replicaFailures(all, newRs);
    if (!failures.isEmpty()) {
      DeploymentConditions.set(newStatus, failures.get(0));
    } else {
      DeploymentConditions.remove(newStatus, DeploymentConditions.REPLICA_FAILURE);
    }
    if (Objects.equals(DeploymentSync.status(d), newStatus)) {
      requeueStuckDeployment(d, newStatus, now);
      return;
    }
    d.setStatus(newStatus);
    sync.writeStatus(d);
  }

  /** Every replica updated and available, and the latest generation observed. */
  static boolean deploymentComplete(Deployment d, DeploymentStatus s) {
    int replicas = DeploymentSync.replicas(d);
    long generation = d.getMetadata().getGeneration() == null ? 0 : d.getMetadata().getGeneration();
    return n(s.getUpdatedReplicas()) == replicas
        && n(s.getReplicas()) == replicas
        && n(s.getAvailableReplicas()) == replicas
        && (s.getObservedGeneration() == null ? 0 : s.getObservedGeneration()) >= generation;
  }

  /** More updated, fewer old, more ready or more available replicas than the last status said. */
  static boolean deploymentProgressing(Deployment d, DeploymentStatus s) {
    DeploymentStatus old = DeploymentSync.status(d);
    int oldOld = n(old.getReplicas()) - n(old.getUpdatedReplicas());
    int newOld = n(s.getReplicas()) - n(s.getUpdatedReplicas());
    return n(s.getUpdatedReplicas()) > n(old.getUpdatedReplicas())
        || newOld < oldOld
        || n(s.getReadyReplicas()) > n(old.getReadyReplicas())
        || n(s.getAvailableReplicas()) > n(old.getAvailableReplicas());
  }

  static boolean timedOut(Deployment d, DeploymentStatus s, Instant now) {
    if (!DeploymentSync.hasProgressDeadline(d)) {
      return false;
    }
    DeploymentCondition c = DeploymentConditions.get(s, DeploymentConditions.PROGRESSING);
    if (c == null || DeploymentConditions.NEW_RS_AVAILABLE.equals(c.getReason())) {
      return false;
    }
    if (DeploymentConditions.TIMED_OUT.equals(c.getReason())) {
      return true;
    }
    Instant from = Times.parse(c.getLastUpdateTime());
    return from != null && from.plusSeconds(d.getSpec().getProgressDeadlineSeconds()).isBefore(now);
  }

  /** Resyncs a rollout that has not moved when its deadline would pass. */
  private void requeueStuckDeployment(Deployment d, DeploymentStatus s, Instant now) {
    DeploymentCondition c =
        DeploymentConditions.get(d.getStatus(), DeploymentConditions.PROGRESSING);
    if (!DeploymentSync.hasProgressDeadline(d) || c == null) {
      return;
    }
    if (deploymentComplete(d, s) || DeploymentConditions.TIMED_OUT.equals(c.getReason())) {
      return;
    }
    Instant last = Times.parse(c.getLastUpdateTime());
    if (last == null) {
      return;
    }
    Duration after =
        Duration.between(now, last.plusSeconds(d.getSpec().getProgressDeadlineSeconds()));
    String key = Keys.of(d);
    if (after.compareTo(Duration.ofSeconds(1)) < 0) {
      queue.addRateLimited(key);
    } else {
      queue.addAfter(key, after.plusSeconds(1));
    }
  }

  /** Sets or clears the paused condition; writes it at once, as upstream. */
  void checkPausedConditions(Deployment d) {
    if (!DeploymentSync.hasProgressDeadline(d)) {
      return;
    }
    DeploymentCondition c =
        DeploymentConditions.get(d.getStatus(), DeploymentConditions.PROGRESSING);
    if (c != null && DeploymentConditions.TIMED_OUT.equals(c.getReason())) {
      return;
    }
    boolean pausedCondition = c != null && DeploymentConditions.PAUSED.equals(c.getReason());
    boolean paused = Boolean.TRUE.equals(d.getSpec().getPaused());
    Instant now = sync.clock.now();
    if (paused && !pausedCondition) {
      DeploymentConditions.set(
          DeploymentSync.status(d),
          DeploymentConditions.create(
              DeploymentConditions.PROGRESSING,
              "Unknown",
              DeploymentConditions.PAUSED,
              "Deployment is paused",
              now));
    } else if (!paused && pausedCondition) {
      DeploymentConditions.set(
          DeploymentSync.status(d),
          DeploymentConditions.create(
              DeploymentConditions.PROGRESSING,
              "Unknown",
              DeploymentConditions.RESUMED,
              "Deployment is resumed",
              now));
    } else {
      return;
    }
    sync.writeStatus(d);
  }

  private static int n(Integer i) {
    return i == null ? 0 : i;
  }
}
