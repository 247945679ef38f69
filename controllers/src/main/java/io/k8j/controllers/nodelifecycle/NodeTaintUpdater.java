package io.k8j.controllers.nodelifecycle;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Taint;
import io.k8j.client.ApiErrors;
import io.k8j.client.DeepCopy;
import io.k8j.client.ObjectReader;
import io.k8j.client.ObjectWriter;
import io.k8j.common.Clock;
import io.k8j.controllers.shared.Taints;
import io.k8j.controllers.shared.Times;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Taints that mirror node conditions, as upstream's {@code doNoScheduleTaintingPass} and {@code
 * SwapNodeControllerTaint}: every condition that is not healthy maps to a NoSchedule taint, and the
 * NoExecute not-ready and unreachable taints are swapped as the Ready condition changes.
 */
final class NodeTaintUpdater {
  /** Condition type and status to the NoSchedule taint that mirrors it. */
  static final Map<String, Map<String, String>> CONDITION_TAINTS =
      Map.of(
          "Ready", Map.of("False", Taints.NOT_READY, "Unknown", Taints.UNREACHABLE),
          "MemoryPressure", Map.of("True", Taints.MEMORY_PRESSURE),
          "DiskPressure", Map.of("True", Taints.DISK_PRESSURE),
          "NetworkUnavailable", Map.of("True", Taints.NETWORK_UNAVAILABLE),
          "PIDPressure", Map.of("True", Taints.PID_PRESSURE));

  private static final List<String> CONDITION_TAINT_KEYS =
      List.of(
          Taints.NOT_READY,
          Taints.UNREACHABLE,
          Taints.MEMORY_PRESSURE,
          Taints.DISK_PRESSURE,
          Taints.NETWORK_UNAVAILABLE,
          Taints.PID_PRESSURE);

  private final ObjectReader reader;
  private final ObjectWriter writer;
  private final Clock clock;

  NodeTaintUpdater(ObjectReader reader, ObjectWriter writer, Clock clock) {
    this.reader = reader;
    this.writer = writer;
    this.clock = clock;
  }

  /** Brings the node's condition taints (NoSchedule) in line with its conditions. */
  void syncNoScheduleTaints(Node node) {
    List<Taint> wanted = new ArrayList<>();
    if (node.getStatus() != null && node.getStatus().getConditions() != null) {
      for (NodeCondition c : node.getStatus().getConditions()) {
        String key = CONDITION_TAINTS.getOrDefault(c.getType(), Map.of()).get(c.getStatus());
        if (key != null) {
          wanted.add(Taints.taint(key, Taints.NO_SCHEDULE));
        }
      }
    }
    if (node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable())) {
      wanted.add(Taints.taint(Taints.UNSCHEDULABLE, Taints.NO_SCHEDULE));
    }
    List<Taint> current = new ArrayList<>();
    for (Taint t : Taints.withEffect(Taints.of(node), Taints.NO_SCHEDULE)) {
      if (t.getKey().equals(Taints.UNSCHEDULABLE) || CONDITION_TAINT_KEYS.contains(t.getKey())) {
        current.add(t);
      }
    }
    List<Taint> add = wanted.stream().filter(t -> !Taints.exists(current, t)).toList();
    List<Taint> remove = current.stream().filter(t -> !Taints.exists(wanted, t)).toList();
    if (!add.isEmpty() || !remove.isEmpty()) {
      swap(node.getMetadata().getName(), add, remove);
    }
  }

  /**
   * Adds {@code add} and removes {@code remove} on the node as stored now, retrying on conflicts;
   * false if the node is gone. NoExecute taints get the time they were added.
   */
  boolean swap(String nodeName, List<Taint> add, List<Taint> remove) {
    for (int attempt = 0; ; attempt++) {
      Node fresh = reader.get(Node.class, null, nodeName);
      if (fresh == null) {
        return false;
      }
      Node copy = DeepCopy.of(fresh);
      List<Taint> taints = new ArrayList<>(Taints.of(copy));
      boolean changed = taints.removeIf(t -> remove.stream().anyMatch(r -> Taints.matches(r, t)));
      for (Taint t : add) {
        if (!Taints.exists(taints, t)) {
          Taint n = DeepCopy.of(t);
          if (Taints.NO_EXECUTE.equals(n.getEffect())) {
            n.setTimeAdded(Times.format(clock.now()));
          }
          taints.add(n);
          changed = true;
        }
      }
      if (!changed) {
        return true;
      }
      if (copy.getSpec() == null) {
        copy.setSpec(new io.fabric8.kubernetes.api.model.NodeSpec());
      }
      copy.getSpec().setTaints(taints);
      try {
        writer.update(copy);
        return true;
      } catch (RuntimeException e) {
        if (ApiErrors.isNotFound(e)) {
          return false;
        }
        if (!ApiErrors.isConflict(e) || attempt >= 4) {
          throw e;
        }
      }
    }
  }
}
