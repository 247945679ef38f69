package io.k8j.controllers.deployment;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What a rollback is in apps/v1: {@code kubectl rollout undo} writes an old ReplicaSet's template
 * back into the Deployment, the controller finds that ReplicaSet as the new one again (its template
 * matches) and moves it to the next revision, keeping the revisions it had before in {@code
 * deployment.kubernetes.io/revision-history}: upstream's {@code SetNewReplicaSetAnnotations}.
 */
final class Rollback {
  /** Upstream's limit on the length of the revision history annotation. */
  static final int MAX_REVISION_HISTORY_CHARS = 2000;

  private Rollback() {}

  /**
   * Brings the new ReplicaSet's annotations up to date: the Deployment's own annotations, the
   * revision (only ever raised), the revision history when an existing ReplicaSet moves to a new
   * revision, and for a ReplicaSet about to be created the replica annotations. True if anything
   * changed.
   */
  static boolean setNewReplicaSetAnnotations(
      Deployment d, ReplicaSet newRs, String newRevision, boolean exists) {
    boolean changed = Revisions.copyDeploymentAnnotations(d, newRs);
    Map<String, String> a = Revisions.mutableAnnotations(newRs);
    String oldRevision = a.get(Revisions.REVISION);
    long oldRevisionInt;
    if (oldRevision == null) {
      oldRevisionInt = 0;
    } else {
      try {
        oldRevisionInt = Long.parseLong(oldRevision);
      } catch (NumberFormatException e) {
        return false;
      }
    }
    long newRevisionInt = Long.parseLong(newRevision);
    if (oldRevisionInt < newRevisionInt) {
      a.put(Revisions.REVISION, newRevision);
      changed = true;
    }
    if (oldRevision != null && oldRevisionInt < newRevisionInt) {
      appendHistory(a, oldRevision);
    }
    if (!exists) {
      int replicas = DeploymentSync.replicas(d);
      if (Revisions.setReplicasAnnotations(newRs, replicas, replicas + Fenceposts.maxSurge(d))) {
        changed = true;
      }
    }
    return changed;
  }

  private static void appendHistory(Map<String, String> a, String oldRevision) {
    String history = a.getOrDefault(Revisions.REVISION_HISTORY, "");
    if (history.isEmpty()) {
      a.put(Revisions.REVISION_HISTORY, oldRevision);
      return;
    }
    List<String> old = new ArrayList<>(Arrays.asList(history.split(",", -1)));
    int totalLen = history.length() + oldRevision.length() + 1;
    int start = 0;
    while (totalLen > MAX_REVISION_HISTORY_CHARS && start < old.size()) {
      totalLen = totalLen - old.get(start).length() - 1;
      start++;
    }
    if (totalLen <= MAX_REVISION_HISTORY_CHARS) {
      List<String> kept = new ArrayList<>(old.subList(start, old.size()));
      kept.add(oldRevision);
      a.put(Revisions.REVISION_HISTORY, String.join(",", kept));
    }
  }
}
