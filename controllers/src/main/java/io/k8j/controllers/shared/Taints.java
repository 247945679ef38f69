package io.k8j.controllers.shared;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Node taints and pod tolerations, as upstream's {@code taints} and {@code v1helper}. */
public final class Taints {
  public static final String NOT_READY = "node.kubernetes.io/not-ready";
  public static final String UNREACHABLE = "node.kubernetes.io/unreachable";
  public static final String UNSCHEDULABLE = "node.kubernetes.io/unschedulable";
  public static final String MEMORY_PRESSURE = "node.kubernetes.io/memory-pressure";
  public static final String DISK_PRESSURE = "node.kubernetes.io/disk-pressure";
  public static final String PID_PRESSURE = "node.kubernetes.io/pid-pressure";
  public static final String NETWORK_UNAVAILABLE = "node.kubernetes.io/network-unavailable";
  public static final String NO_EXECUTE = "NoExecute";
  public static final String NO_SCHEDULE = "NoSchedule";

  private Taints() {}

  public static Taint taint(String key, String effect) {
    Taint t = new Taint();
    t.setKey(key);
    t.setEffect(effect);
    return t;
  }

  public static List<Taint> of(Node node) {
    return node.getSpec() == null || node.getSpec().getTaints() == null
        ? List.of()
        : node.getSpec().getTaints();
  }

  /** Taints match by key and effect (upstream's {@code MatchTaint}). */
  public static boolean matches(Taint a, Taint b) {
    return Objects.equals(a.getKey(), b.getKey()) && Objects.equals(a.getEffect(), b.getEffect());
  }

  public static boolean exists(List<Taint> taints, Taint t) {
    return taints.stream().anyMatch(x -> matches(x, t));
  }

  public static List<Taint> withEffect(List<Taint> taints, String effect) {
    List<Taint> out = new ArrayList<>();
    for (Taint t : taints) {
      if (effect.equals(t.getEffect())) {
        out.add(t);
      }
    }
    return out;
  }

  /** Upstream's {@code ToleratesTaint}. */
  public static boolean tolerates(Toleration tol, Taint taint) {
    if (tol.getEffect() != null
        && !tol.getEffect().isEmpty()
        && !tol.getEffect().equals(taint.getEffect())) {
      return false;
    }
    if (tol.getKey() != null && !tol.getKey().isEmpty() && !tol.getKey().equals(taint.getKey())) {
      return false;
    }
    String op = tol.getOperator() == null ? "" : tol.getOperator();
    return switch (op) {
      case "", "Equal" ->
          Objects.equals(nullToEmpty(tol.getValue()), nullToEmpty(taint.getValue()));
      case "Exists" -> true;
      default -> false;
    };
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
