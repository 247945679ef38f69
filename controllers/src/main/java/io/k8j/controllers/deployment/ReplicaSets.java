package io.k8j.controllers.deployment;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.k8j.controllers.shared.Times;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/** Orders, counts and searches of a Deployment's ReplicaSets, as upstream's helpers. */
final class ReplicaSets {
  private ReplicaSets() {}

  private static Instant created(ReplicaSet rs) {
    Instant t = Times.parse(rs.getMetadata().getCreationTimestamp());
    return t == null ? Instant.EPOCH : t;
  }

  /** Oldest first; ties by name (upstream's {@code ReplicaSetsByCreationTimestamp}). */
  static final Comparator<ReplicaSet> BY_CREATION =
      Comparator.comparing(ReplicaSets::created).thenComparing(rs -> rs.getMetadata().getName());

  /** Larger first; among equals newer first ({@code ReplicaSetsBySizeNewer}). */
  static final Comparator<ReplicaSet> BY_SIZE_NEWER =
      Comparator.comparingInt(ReplicaSets::specReplicas)
          .reversed()
          .thenComparing(BY_CREATION.reversed());

  /** Larger first; among equals older first ({@code ReplicaSetsBySizeOlder}). */
  static final Comparator<ReplicaSet> BY_SIZE_OLDER =
      Comparator.comparingInt(ReplicaSets::specReplicas).reversed().thenComparing(BY_CREATION);

  /** Lower revision first; ties by creation ({@code ReplicaSetsByRevision}). */
  static final Comparator<ReplicaSet> BY_REVISION =
      Comparator.<ReplicaSet>comparingLong(Revisions::revision).thenComparing(BY_CREATION);

  static int specReplicas(ReplicaSet rs) {
    return rs.getSpec().getReplicas() == null ? 0 : rs.getSpec().getReplicas();
  }

  private static int n(Integer i) {
    return i == null ? 0 : i;
  }

  static List<ReplicaSet> active(List<ReplicaSet> rss) {
    List<ReplicaSet> out = new ArrayList<>();
    for (ReplicaSet rs : rss) {
      if (rs != null && specReplicas(rs) > 0) {
        out.add(rs);
      }
    }
    return out;
  }

  /** The sum of spec.replicas. */
  static int replicaCount(List<ReplicaSet> rss) {
    return rss.stream().filter(Objects::nonNull).mapToInt(ReplicaSets::specReplicas).sum();
  }

  /** The sum of status.replicas. */
  static int actualReplicaCount(List<ReplicaSet> rss) {
    return rss.stream()
        .filter(Objects::nonNull)
        .mapToInt(rs -> rs.getStatus() == null ? 0 : n(rs.getStatus().getReplicas()))
        .sum();
  }

  static int readyReplicaCount(List<ReplicaSet> rss) {
    return rss.stream()
        .filter(Objects::nonNull)
        .mapToInt(rs -> rs.getStatus() == null ? 0 : n(rs.getStatus().getReadyReplicas()))
        .sum();
  }

  static int availableReplicaCount(List<ReplicaSet> rss) {
    return rss.stream().filter(Objects::nonNull).mapToInt(ReplicaSets::available).sum();
  }

  static int available(ReplicaSet rs) {
    return rs.getStatus() == null ? 0 : n(rs.getStatus().getAvailableReplicas());
  }

  /** The oldest ReplicaSet whose template equals the Deployment's, or null. */
  static ReplicaSet findNew(Deployment d, List<ReplicaSet> rss) {
    List<ReplicaSet> sorted = new ArrayList<>(rss);
    sorted.sort(BY_CREATION);
    for (ReplicaSet rs : sorted) {
      if (PodTemplateHash.equalIgnoreHash(rs.getSpec().getTemplate(), d.getSpec().getTemplate())) {
        return rs;
      }
    }
    return null;
  }

  /** Every ReplicaSet but the new one. */
  static List<ReplicaSet> findOld(Deployment d, List<ReplicaSet> rss) {
    ReplicaSet newRs = findNew(d, rss);
    List<ReplicaSet> out = new ArrayList<>();
    for (ReplicaSet rs : rss) {
      if (newRs == null
          || !Objects.equals(rs.getMetadata().getUid(), newRs.getMetadata().getUid())) {
        out.add(rs);
      }
    }
    return out;
  }

  /** The new ReplicaSet runs the Deployment's full size and all of it is available. */
  static boolean isSaturated(Deployment d, ReplicaSet rs) {
    if (rs == null) {
      return false;
    }
    Integer desired = Revisions.desiredReplicas(rs);
    int replicas = DeploymentSync.replicas(d);
    return desired != null
        && desired == replicas
        && specReplicas(rs) == replicas
        && available(rs) == replicas;
  }
}
