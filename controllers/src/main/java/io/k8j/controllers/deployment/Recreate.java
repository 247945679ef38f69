package io.k8j.controllers.deployment;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.k8j.controllers.shared.PodStatuses;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Upstream's {@code recreate.go}: scale every old ReplicaSet to zero, wait until none of their pods
 * runs, then create (or scale up) the new one.
 */
final class Recreate {
  private final DeploymentSync sync;
  private final Progress progress;

  Recreate(DeploymentSync sync, Progress progress) {
    this.sync = sync;
    this.progress = progress;
  }

  /**
   * @param podMap the pods of each ReplicaSet of {@code rsList}, by ReplicaSet uid
   */
  void rollout(Deployment d, List<ReplicaSet> rsList, Map<String, List<Pod>> podMap) {
    DeploymentSync.Split s = sync.allReplicaSetsAndSyncRevision(d, rsList, false);
    ReplicaSet newRs = s.newRs();
    List<ReplicaSet> oldRss = s.oldRss();
    List<ReplicaSet> all = s.all();
    boolean scaledDown = false;
    for (ReplicaSet rs : ReplicaSets.active(oldRss)) {
      scaledDown |= DeploymentSync.scaled(rs, sync.scaleReplicaSetAndRecordEvent(rs, 0, d));
    }
    if (scaledDown || oldPodsRunning(newRs, oldRss, podMap)) {
      progress.syncRolloutStatus(all, newRs, d);
      return;
    }
    if (newRs == null) {
      s = sync.allReplicaSetsAndSyncRevision(d, rsList, true);
      newRs = s.newRs();
      oldRss = s.oldRss();
      all = s.all();
    }
    sync.scaleReplicaSetAndRecordEvent(newRs, DeploymentSync.replicas(d), d);
    if (Progress.deploymentComplete(d, DeploymentSync.status(d))) {
      sync.cleanupDeployment(oldRss, d);
    }
    progress.syncRolloutStatus(new ArrayList<>(all), newRs, d);
  }

  /** Whether an old ReplicaSet reports pods, or any of its pods is not terminated. */
  static boolean oldPodsRunning(
      ReplicaSet newRs, List<ReplicaSet> oldRss, Map<String, List<Pod>> podMap) {
    if (ReplicaSets.actualReplicaCount(oldRss) > 0) {
      return true;
    }
    for (var e : podMap.entrySet()) {
      if (newRs != null && Objects.equals(newRs.getMetadata().getUid(), e.getKey())) {
        continue;
      }
      for (Pod pod : e.getValue()) {
        String phase = PodStatuses.phase(pod);
        if (!phase.equals("Failed") && !phase.equals("Succeeded")) {
          return true;
        }
      }
    }
    return false;
  }
}
