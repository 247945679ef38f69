package io.k8j.scheduler.framework;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A compiled label selector, as upstream's {@code labels.Selector}: a conjunction of requirements.
 * A null {@link LabelSelector} selects nothing, an empty one everything.
 */
public final class Selector {
  /** One requirement: {@code key op values}. */
  public record Requirement(String key, Op op, Set<String> values) {
    public boolean matches(Map<String, String> labels) {
      String v = labels == null ? null : labels.get(key);
      return switch (op) {
        case IN -> v != null && values.contains(v);
        case NOT_IN -> v == null || !values.contains(v);
        case EXISTS -> v != null;
        case DOES_NOT_EXIST -> v == null;
      };
    }
  }

  /** The operators of a label selector requirement. */
  public enum Op {
    IN,
    NOT_IN,
    EXISTS,
    DOES_NOT_EXIST
  }

  public static final Selector NOTHING = new Selector(List.of(), true);
  public static final Selector EVERYTHING = new Selector(List.of(), false);

  private final List<Requirement> requirements;
  private final boolean nothing;

  private Selector(List<Requirement> requirements, boolean nothing) {
    this.requirements = requirements;
    this.nothing = nothing;
  }

  /**
   * Compiles a label selector.
   *
   * @throws IllegalArgumentException on an unknown operator
   */
  public static Selector of(LabelSelector s) {
    if (s == null) {
      return NOTHING;
    }
    List<Requirement> reqs = new ArrayList<>();
    if (s.getMatchLabels() != null) {
      s.getMatchLabels().forEach((k, v) -> reqs.add(new Requirement(k, Op.IN, Set.of(v))));
    }
    if (s.getMatchExpressions() != null) {
      for (LabelSelectorRequirement r : s.getMatchExpressions()) {
        Set<String> values = r.getValues() == null ? Set.of() : Set.copyOf(r.getValues());
        Op op =
            switch (r.getOperator()) {
              case "In" -> Op.IN;
              case "NotIn" -> Op.NOT_IN;
              case "Exists" -> Op.EXISTS;
              case "DoesNotExist" -> Op.DOES_NOT_EXIST;
              default ->
                  throw new IllegalArgumentException(
                      "\"" + r.getOperator() + "\" is not a valid label selector operator");
            };
        reqs.add(new Requirement(r.getKey(), op, values));
      }
    }
    return reqs.isEmpty() ? EVERYTHING : new Selector(List.copyOf(reqs), false);
  }

  /** A selector of exactly these labels ({@code matchLabels}). */
  public static Selector ofLabels(Map<String, String> labels) {
    if (labels == null || labels.isEmpty()) {
      return EVERYTHING;
    }
    List<Requirement> reqs = new ArrayList<>();
    labels.forEach((k, v) -> reqs.add(new Requirement(k, Op.IN, Set.of(v))));
    return new Selector(List.copyOf(reqs), false);
  }

  /** This selector with one more requirement. */
  public Selector and(Requirement r) {
    if (nothing) {
      return this;
    }
    List<Requirement> reqs = new ArrayList<>(requirements);
    reqs.add(r);
    return new Selector(List.copyOf(reqs), false);
  }

  public boolean matches(Map<String, String> labels) {
    if (nothing) {
      return false;
    }
    for (int i = 0; i < requirements.size(); i++) {
      if (!requirements.get(i).matches(labels)) {
        return false;
      }
    }
    return true;
  }

  /** The requirements, all of which a label set must meet. */
  public List<Requirement> requirements() {
    return requirements;
  }

  /** Whether this selector selects everything. */
  public boolean isEverything() {
    return !nothing && requirements.isEmpty();
  }

  public boolean isNothing() {
    return nothing;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Selector s && s.nothing == nothing && s.requirements.equals(requirements);
  }

  @Override
  public int hashCode() {
    return requirements.hashCode() * 31 + (nothing ? 1 : 0);
  }

  @Override
  public String toString() {
    return nothing ? "<nothing>" : requirements.toString();
  }
}
