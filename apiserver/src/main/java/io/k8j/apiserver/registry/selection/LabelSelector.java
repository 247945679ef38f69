package io.k8j.apiserver.registry.selection;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A label selector in its string form ({@code app=web,tier!=db,env in (a,b),!canary}), equality and
 * set-based, as apimachinery's {@code labels.Parse}.
 */
public final class LabelSelector implements Predicate<Map<String, String>> {
  private static final Pattern KEY =
      Pattern.compile(
          "([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
              + "[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
  private static final Pattern VALUE =
      Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?");

  /** One requirement of a selector. */
  public record Requirement(String key, String op, Set<String> values) {
    boolean matches(Map<String, String> labels) {
      String v = labels.get(key);
      return switch (op) {
        case "exists" -> v != null;
        case "!" -> v == null;
        case "=", "==", "in" -> v != null && values.contains(v);
        case "!=", "notin" -> v == null || !values.contains(v);
        case ">", "<" -> {
          if (v == null) {
            yield false;
          }
          try {
            long have = Long.parseLong(v);
            long want = Long.parseLong(values.iterator().next());
            yield op.equals(">") ? have > want : have < want;
          } catch (NumberFormatException e) {
            yield false;
          }
        }
        default -> false;
      };
    }
  }

  public static final LabelSelector EVERYTHING = new LabelSelector(List.of(), "");

  private final List<Requirement> requirements;
  private final String text;

  private LabelSelector(List<Requirement> requirements, String text) {
    this.requirements = requirements;
    this.text = text;
  }

  public boolean isEmpty() {
    return requirements.isEmpty();
  }

  @Override
  public boolean test(Map<String, String> labels) {
    for (Requirement r : requirements) {
      if (!r.matches(labels)) {
        return false;
      }
    }
    return true;
  }

  /** Whether the object's metadata.labels match. */
  public boolean matches(JsonNode obj) {
    if (requirements.isEmpty()) {
      return true;
    }
    return test(Labels.of(obj));
  }

  @Override
  public String toString() {
    return text;
  }

  /**
   * Parses a selector.
   *
   * @throws IllegalArgumentException with upstream's message when it does not parse
   */
  public static LabelSelector parse(String s) {
    if (s == null || s.isBlank()) {
      return EVERYTHING;
    }
    List<Requirement> reqs = new ArrayList<>();
    for (String part : splitTopLevel(s)) {
      reqs.add(requirement(part.trim()));
    }
    return new LabelSelector(List.copyOf(reqs), s);
  }

  /** Splits on commas that are not inside parentheses. */
  private static List<String> splitTopLevel(String s) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        parts.add(s.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(s.substring(start));
    return parts;
  }

  private static Requirement requirement(String p) {
    if (p.isEmpty()) {
      throw new IllegalArgumentException("found '', expected: identifier");
    }
    if (p.startsWith("!")) {
      return new Requirement(key(p.substring(1).trim()), "!", Set.of());
    }
    var setMatch = Pattern.compile("^(\\S+)\\s+(in|notin)\\s*\\((.*)\\)$").matcher(p);
    if (setMatch.matches()) {
      Set<String> values = new LinkedHashSet<>();
      for (String v : setMatch.group(3).split(",")) {
        values.add(value(v.trim()));
      }
      return new Requirement(key(setMatch.group(1)), setMatch.group(2), values);
    }
    for (String op : List.of("!=", "==", "=", ">", "<")) {
      int i = p.indexOf(op);
      if (i >= 0) {
        String k = key(p.substring(0, i).trim());
        String v = value(p.substring(i + op.length()).trim());
        return new Requirement(k, op.equals("==") ? "=" : op, Set.of(v));
      }
    }
    if (p.contains(" ")) {
      throw new IllegalArgumentException(
          "unable to parse requirement: found '" + p + "', expected: in, notin, =, ==, !=, gt, lt");
    }
    return new Requirement(key(p), "exists", Set.of());
  }

  private static String key(String k) {
    if (k.isEmpty() || !KEY.matcher(k).matches() || k.length() > 316) {
      throw new IllegalArgumentException(
          "unable to parse requirement: key: Invalid value: \""
              + k
              + "\": name part must consist of alphanumeric characters, '-', '_' or '.', and must"
              + " start and end with an alphanumeric character");
    }
    return k;
  }

  private static String value(String v) {
    if (!VALUE.matcher(v).matches() || v.length() > 63) {
      throw new IllegalArgumentException(
          "unable to parse requirement: values[0]: Invalid value: \""
              + v
              + "\": a valid label must be an empty string or consist of alphanumeric characters,"
              + " '-', '_' or '.', and must start and end with an alphanumeric character");
    }
    return v;
  }
}
