package io.k8j.controllers.replicaset;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.k8j.client.DeepCopy;
import io.k8j.controllers.shared.LabelSelectors;
import io.k8j.controllers.shared.PodStatuses;
import io.k8j.controllers.shared.Times;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** A ReplicaSet's status from its pods, as upstream's {@code calculateStatus}. */
final class ReplicaSetStatuses {
  static final String REPLICA_FAILURE = "ReplicaFailure";

  private ReplicaSetStatuses() {}

  static ReplicaSetStatus calculate(
      ReplicaSet rs, List<Pod> owned, RuntimeException manageError, Instant now) {
    ReplicaSetStatus status =
        rs.getStatus() == null ? new ReplicaSetStatus() : DeepCopy.of(rs.getStatus());
    Map<String, String> templateLabels =
        rs.getSpec().getTemplate() == null || rs.getSpec().getTemplate().getMetadata() == null
            ? Map.of()
            : nonNull(rs.getSpec().getTemplate().getMetadata().getLabels());
    int fullyLabeled = 0;
    int ready = 0;
    int available = 0;
    for (Pod pod : owned) {
      if (LabelSelectors.matchesMap(templateLabels, pod.getMetadata().getLabels())) {
        fullyLabeled++;
      }
      if (PodStatuses.isReady(pod)) {
        ready++;
        if (PodStatuses.isAvailable(pod, ReplicaSetController.minReadySeconds(rs), now)) {
          available++;
        }
      }
    }
    List<ReplicaSetCondition> conditions =
        status.getConditions() == null
            ? new ArrayList<>()
            : new ArrayList<>(status.getConditions());
    boolean hasFailure = conditions.stream().anyMatch(c -> REPLICA_FAILURE.equals(c.getType()));
    if (manageError != null && !hasFailure) {
      int diff = owned.size() - ReplicaSetController.replicas(rs);
      String reason = diff < 0 ? "FailedCreate" : diff > 0 ? "FailedDelete" : "";
      ReplicaSetCondition c = new ReplicaSetCondition();
      c.setType(REPLICA_FAILURE);
      c.setStatus("True");
      c.setReason(reason);
      c.setMessage(manageError.getMessage());
      c.setLastTransitionTime(Times.format(now));
      conditions.add(c);
    } else if (manageError == null && hasFailure) {
      conditions.removeIf(c -> REPLICA_FAILURE.equals(c.getType()));
    }
    status.setConditions(conditions);
    status.setReplicas(owned.size());
    status.setFullyLabeledReplicas(fullyLabeled);
    status.setReadyReplicas(ready);
    status.setAvailableReplicas(available);
    return status;
  }

  /** Whether writing {@code status} would change nothing (observedGeneration included). */
  static boolean unchanged(ReplicaSet rs, ReplicaSetStatus status) {
    ReplicaSetStatus cur = rs.getStatus() == null ? new ReplicaSetStatus() : rs.getStatus();
    return n(cur.getReplicas()) == n(status.getReplicas())
        && n(cur.getFullyLabeledReplicas()) == n(status.getFullyLabeledReplicas())
        && n(cur.getReadyReplicas()) == n(status.getReadyReplicas())
        && n(cur.getAvailableReplicas()) == n(status.getAvailableReplicas())
        && Objects.equals(rs.getMetadata().getGeneration(), cur.getObservedGeneration())
        && Objects.equals(nonNull(cur.getConditions()), nonNull(status.getConditions()));
  }

  private static int n(Integer i) {
    return i == null ? 0 : i;
  }

  private static <K, V> Map<K, V> nonNull(Map<K, V> m) {
    return m == null ? Map.of() : m;
  }

  private static <E> List<E> nonNull(List<E> l) {
    return l == null ? List.of() : l;
  }
}
