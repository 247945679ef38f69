package io.k8j.apiserver.auth.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import io.k8j.apiserver.auth.Attributes;
import java.util.ArrayList;
import java.util.List;

/** One RBAC rule and upstream's matching of a request against it ({@code RuleAllows}). */
public record PolicyRule(
    List<String> verbs,
    List<String> apiGroups,
    List<String> resources,
    List<String> resourceNames,
    List<String> nonResourceURLs) {

  static PolicyRule of(JsonNode rule) {
    return new PolicyRule(
        strings(rule.path("verbs")),
        strings(rule.path("apiGroups")),
        strings(rule.path("resources")),
        strings(rule.path("resourceNames")),
        strings(rule.path("nonResourceURLs")));
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return List.copyOf(out);
  }

  public boolean allows(Attributes a) {
    if (!verbs.contains("*") && !verbs.contains(a.verb())) {
      return false;
    }
    if (!a.resourceRequest()) {
      return nonResourceMatches(a.path());
    }
    return (apiGroups.contains("*") || apiGroups.contains(a.apiGroup()))
        && resourceMatches(a.combinedResource(), a.subresource())
        && (resourceNames.isEmpty() || resourceNames.contains(a.name()));
  }

  private boolean resourceMatches(String combined, String subresource) {
    for (String r : resources) {
      if (r.equals("*") || r.equals(combined)) {
        return true;
      }
      if (!subresource.isEmpty() && r.startsWith("*/") && r.substring(2).equals(subresource)) {
        return true;
      }
    }
    return false;
  }

  private boolean nonResourceMatches(String path) {
    for (String u : nonResourceURLs) {
      if (u.equals("*") || u.equals(path)) {
        return true;
      }
      if (u.endsWith("*") && path.startsWith(u.substring(0, u.length() - 1))) {
        return true;
      }
    }
    return false;
  }

  /** The rule as single grants: one verb on one group and resource (and name), or one URL. */
  public List<PolicyRule> breakdown() {
    List<PolicyRule> out = new ArrayList<>();
    for (String group : apiGroups) {
      for (String resource : resources) {
        for (String verb : verbs) {
          if (resourceNames.isEmpty()) {
            out.add(
                new PolicyRule(
                    List.of(verb), List.of(group), List.of(resource), List.of(), List.of()));
          }
          for (String name : resourceNames) {
            out.add(
                new PolicyRule(
                    List.of(verb), List.of(group), List.of(resource), List.of(name), List.of()));
          }
        }
      }
    }
    for (String url : nonResourceURLs) {
      for (String verb : verbs) {
        out.add(new PolicyRule(List.of(verb), List.of(), List.of(), List.of(), List.of(url)));
      }
    }
    return out;
  }

  /** Upstream's {@code ruleCovers}: whether this rule grants everything {@code sub} grants. */
  public boolean covers(PolicyRule sub) {
    boolean names =
        resourceNames.isEmpty()
            || !sub.resourceNames.isEmpty() && resourceNames.containsAll(sub.resourceNames);
    return (verbs.contains("*") || verbs.containsAll(sub.verbs))
        && (apiGroups.contains("*") || apiGroups.containsAll(sub.apiGroups))
        && resourcesCover(sub.resources)
        && urlsCover(sub.nonResourceURLs)
        && names;
  }

  private boolean resourcesCover(List<String> wanted) {
    if (resources.contains("*")) {
      return true;
    }
    for (String r : wanted) {
      if (resources.contains(r)) {
        continue;
      }
      int slash = r.indexOf('/');
      if (slash < 0 || !resources.contains("*" + r.substring(slash))) {
        return false;
      }
    }
    return true;
  }

  private boolean urlsCover(List<String> wanted) {
    for (String w : wanted) {
      boolean covered = false;
      for (String u : nonResourceURLs) {
        if (u.equals(w) || u.endsWith("*") && w.startsWith(u.substring(0, u.length() - 1))) {
          covered = true;
          break;
        }
      }
      if (!covered) {
        return false;
      }
    }
    return true;
  }

  /**
   * Upstream's {@code CompactString}: {@code {APIGroups:[""], Resources:["pods"], Verbs:["get"]}}.
   */
  public String compactString() {
    List<String> parts = new ArrayList<>();
    if (!apiGroups.isEmpty()) {
      parts.add("APIGroups:" + quoted(apiGroups));
    }
    if (!resources.isEmpty()) {
      parts.add("Resources:" + quoted(resources));
    }
    if (!nonResourceURLs.isEmpty()) {
      parts.add("NonResourceURLs:" + quoted(nonResourceURLs));
    }
    if (!resourceNames.isEmpty()) {
      parts.add("ResourceNames:" + quoted(resourceNames));
    }
    if (!verbs.isEmpty()) {
      parts.add("Verbs:" + quoted(verbs));
    }
    return "{" + String.join(", ", parts) + "}";
  }

  private static String quoted(List<String> values) {
    List<String> q = new ArrayList<>();
    values.forEach(v -> q.add("\"" + v.replace("\"", "\\\"") + "\""));
    return "[" + String.join(" ", q) + "]";
  }
}
