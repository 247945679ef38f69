package io.k8j.controllers.shared;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Label selector matching, as upstream's {@code metav1.LabelSelectorAsSelector}. */
public final class LabelSelectors {
  private LabelSelectors() {}

  /**
   * Whether {@code labels} satisfy the selector. A null selector matches nothing, an empty one
   * everything (as upstream for workloads).
   */
  public static boolean matches(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return false;
    }
    Map<String, String> l = labels == null ? Map.of() : labels;
    if (selector.getMatchLabels() != null) {
      for (var e : selector.getMatchLabels().entrySet()) {
        if (!e.getValue().equals(l.get(e.getKey()))) {
          return false;
        }
      }
    }
    if (selector.getMatchExpressions() != null) {
      for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
        if (!matches(r, l)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean matches(LabelSelectorRequirement r, Map<String, String> labels) {
    String v = labels.get(r.getKey());
    List<String> values = r.getValues() == null ? List.of() : r.getValues();
    return switch (r.getOperator()) {
      case "In" -> v != null && values.contains(v);
      case "NotIn" -> v == null || !values.contains(v);
      case "Exists" -> labels.containsKey(r.getKey());
      case "DoesNotExist" -> !labels.containsKey(r.getKey());
      default -> false;
    };
  }

  /** Whether every pair of a map selector (Services, ReplicationControllers) is in the labels. */
  public static boolean matchesMap(Map<String, String> selector, Map<String, String> labels) {
    Map<String, String> l = labels == null ? Map.of() : labels;
    for (var e : selector.entrySet()) {
      if (!e.getValue().equals(l.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /** True for a selector that selects everything (no labels, no expressions). */
  public static boolean isEmpty(LabelSelector s) {
    return s != null
        && (s.getMatchLabels() == null || s.getMatchLabels().isEmpty())
        && (s.getMatchExpressions() == null || s.getMatchExpressions().isEmpty());
  }

  /**
   * The candidates whose selector is set, not empty, and matches {@code labels}: the controllers
   * that could own an object with these labels (upstream's {@code GetPodReplicaSets} and kin).
   */
  public static <T> List<T> selecting(
      List<T> candidates, Function<T, LabelSelector> selectorOf, Map<String, String> labels) {
    return candidates.stream()
        .filter(
            c -> {
              LabelSelector sel = selectorOf.apply(c);
              return sel != null && !isEmpty(sel) && matches(sel, labels);
            })
        .toList();
  }
}
