package io.k8j.controllers.deployment;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The annotations a Deployment keeps on itself and its ReplicaSets, as upstream's. */
final class Revisions {
  static final String REVISION = "deployment.kubernetes.io/revision";
  static final String REVISION_HISTORY = "deployment.kubernetes.io/revision-history";
  static final String DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas";
  static final String MAX_REPLICAS = "deployment.kubernetes.io/max-replicas";
  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  /** Not copied from a Deployment to its ReplicaSets. */
  static final Set<String> SKIP_COPY =
      Set.of(
          LAST_APPLIED,
          REVISION,
          REVISION_HISTORY,
          DESIRED_REPLICAS,
          MAX_REPLICAS,
          "deprecated.deployment.rollback.to");

  private Revisions() {}

  /** The revision of a ReplicaSet, 0 when it has none or a malformed one. */
  static long revision(HasMetadata obj) {
    String v = annotations(obj).get(REVISION);
    if (v == null) {
      return 0;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  static long maxRevision(List<ReplicaSet> rss) {
    long max = 0;
    for (ReplicaSet rs : rss) {
      max = Math.max(max, revision(rs));
    }
    return max;
  }

  static Map<String, String> annotations(HasMetadata obj) {
    Map<String, String> a = obj.getMetadata().getAnnotations();
    return a == null ? Map.of() : a;
  }

  static Map<String, String> mutableAnnotations(HasMetadata obj) {
    Map<String, String> a = obj.getMetadata().getAnnotations();
    if (a == null) {
      a = new HashMap<>();
      obj.getMetadata().setAnnotations(a);
    }
    return a;
  }

  /** Copies the Deployment's annotations but the skipped ones; true if any changed. */
  static boolean copyDeploymentAnnotations(Deployment d, ReplicaSet rs) {
    boolean changed = false;
    Map<String, String> target = mutableAnnotations(rs);
    for (var e : annotations(d).entrySet()) {
      if (SKIP_COPY.contains(e.getKey()) || e.getValue().equals(target.get(e.getKey()))) {
        continue;
      }
      target.put(e.getKey(), e.getValue());
      changed = true;
    }
    return changed;
  }

  /** Sets desired-replicas and max-replicas; true if either changed. */
  static boolean setReplicasAnnotations(ReplicaSet rs, int desired, int max) {
    Map<String, String> a = mutableAnnotations(rs);
    boolean changed = false;
    if (!Integer.toString(desired).equals(a.get(DESIRED_REPLICAS))) {
      a.put(DESIRED_REPLICAS, Integer.toString(desired));
      changed = true;
    }
    if (!Integer.toString(max).equals(a.get(MAX_REPLICAS))) {
      a.put(MAX_REPLICAS, Integer.toString(max));
      changed = true;
    }
    return changed;
  }

  static boolean replicasAnnotationsNeedUpdate(ReplicaSet rs, int desired, int max) {
    Map<String, String> a = annotations(rs);
    return !Integer.toString(desired).equals(a.get(DESIRED_REPLICAS))
        || !Integer.toString(max).equals(a.get(MAX_REPLICAS));
  }

  /** The desired-replicas annotation, or null. */
  static Integer desiredReplicas(ReplicaSet rs) {
    return intAnnotation(rs, DESIRED_REPLICAS);
  }

  static Integer maxReplicas(ReplicaSet rs) {
    return intAnnotation(rs, MAX_REPLICAS);
  }

  private static Integer intAnnotation(ReplicaSet rs, String key) {
    String v = annotations(rs).get(key);
    if (v == null) {
      return null;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Sets the Deployment's revision annotation; true if it changed. */
  static boolean setDeploymentRevision(Deployment d, String revision) {
    Map<String, String> a = mutableAnnotations(d);
    if (revision.equals(a.get(REVISION))) {
      return false;
    }
    a.put(REVISION, revision);
    return true;
  }
}
