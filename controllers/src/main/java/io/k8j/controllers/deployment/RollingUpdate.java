package io.k8j.controllers.deployment;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.util.ArrayList;
import java.util.List;

/**
 * Upstream's {@code rolling.go}: scale the new ReplicaSet up as far as maxSurge allows, then the
 * old ones down as far as maxUnavailable allows (unhealthy replicas first), one step per sync.
 */
final class RollingUpdate {
  private final DeploymentSync sync;
  private final Progress progress;

  RollingUpdate(DeploymentSync sync, Progress progress) {
    this.sync = sync;
    this.progress = progress;
  }

  void rollout(Deployment d, List<ReplicaSet> rsList) {
    DeploymentSync.Split s = sync.allReplicaSetsAndSyncRevision(d, rsList, true);
    ReplicaSet newRs = s.newRs();
    List<ReplicaSet> all = s.all();
    if (reconcileNewReplicaSet(all, newRs, d)) {
      progress.syncRolloutStatus(all, newRs, d);
      return;
    }
    if (reconcileOldReplicaSets(all, ReplicaSets.active(s.oldRss()), newRs, d)) {
      progress.syncRolloutStatus(all, newRs, d);
      return;
    }
    if (Progress.deploymentComplete(d, DeploymentSync.status(d))) {
      sync.cleanupDeployment(s.oldRss(), d);
    }
    progress.syncRolloutStatus(all, newRs, d);
  }

  private boolean reconcileNewReplicaSet(List<ReplicaSet> all, ReplicaSet newRs, Deployment d) {
    int replicas = DeploymentSync.replicas(d);
    int current = ReplicaSets.specReplicas(newRs);
    if (current == replicas) {
      return false;
    }
    if (current > replicas) {
      return DeploymentSync.scaled(newRs, sync.scaleReplicaSetAndRecordEvent(newRs, replicas, d));
    }
    int target = DeploymentSync.newRsNewReplicas(d, all, newRs);
    return DeploymentSync.scaled(newRs, sync.scaleReplicaSetAndRecordEvent(newRs, target, d));
  }

  private boolean reconcileOldReplicaSets(
      List<ReplicaSet> all, List<ReplicaSet> oldRss, ReplicaSet newRs, Deployment d) {
    if (ReplicaSets.replicaCount(oldRss) == 0) {
      return false;
    }
    int allPods = ReplicaSets.replicaCount(all);
    int minAvailable = DeploymentSync.replicas(d) - Fenceposts.maxUnavailable(d);
    int newRsUnavailable = ReplicaSets.specReplicas(newRs) - ReplicaSets.available(newRs);
    int maxScaledDown = allPods - minAvailable - newRsUnavailable;
    if (maxScaledDown <= 0) {
      return false;
    }
    List<ReplicaSet> olds = new ArrayList<>(oldRss);
    int cleanedUp = cleanupUnhealthyReplicas(olds, d, maxScaledDown);
    List<ReplicaSet> allAfter = new ArrayList<>(olds);
    allAfter.add(newRs);
    int scaledDown = scaleDownOldReplicaSets(allAfter, olds, d);
    return cleanedUp + scaledDown > 0;
  }

  /**
   * Scales old ReplicaSets down by their unavailable replicas, oldest first; updates the list.
   *
   * <p>Right after an old ReplicaSet was scaled down, its status may still count the pods it is
   * about to delete (availableReplicas above spec.replicas). That is no unhealthy replica to remove
   * but a status behind its spec: as upstream, such a step is refused (the sync fails and is
   * retried once the status caught up) instead of scaling the ReplicaSet back up past maxSurge.
   */
  private int cleanupUnhealthyReplicas(List<ReplicaSet> oldRss, Deployment d, int maxCleanup) {
    oldRss.sort(ReplicaSets.BY_CREATION);
    int total = 0;
    for (int i = 0; i < oldRss.size(); i++) {
      if (total >= maxCleanup) {
        break;
      }
      ReplicaSet rs = oldRss.get(i);
      int replicas = ReplicaSets.specReplicas(rs);
      if (replicas == 0 || replicas == ReplicaSets.available(rs)) {
        continue;
      }
      int count = Math.min(maxCleanup - total, replicas - ReplicaSets.available(rs));
      int newReplicas = replicas - count;
      if (newReplicas > replicas) {
        throw new IllegalStateException(
            "when cleaning up unhealthy replicas, got invalid request to scale down "
                + rs.getMetadata().getNamespace()
                + "/"
                + rs.getMetadata().getName()
                + " "
                + replicas
                + " -> "
                + newReplicas);
      }
      oldRss.set(i, sync.scaleReplicaSetAndRecordEvent(rs, newReplicas, d));
      total += count;
    }
    return total;
  }

  /** Scales old ReplicaSets down while more than the minimum stays available, oldest first. */
  private int scaleDownOldReplicaSets(List<ReplicaSet> all, List<ReplicaSet> oldRss, Deployment d) {
    int minAvailable = DeploymentSync.replicas(d) - Fenceposts.maxUnavailable(d);
    int available = ReplicaSets.availableReplicaCount(all);
    if (available <= minAvailable) {
      return 0;
    }
    oldRss.sort(ReplicaSets.BY_CREATION);
    int total = 0;
    int toScaleDown = available - minAvailable;
    for (ReplicaSet rs : oldRss) {
      if (total >= toScaleDown) {
        break;
      }
      int replicas = ReplicaSets.specReplicas(rs);
      if (replicas == 0) {
        continue;
      }
      int count = Math.min(replicas, toScaleDown - total);
      sync.scaleReplicaSetAndRecordEvent(rs, replicas - count, d);
      total += count;
    }
    return total;
  }
}
