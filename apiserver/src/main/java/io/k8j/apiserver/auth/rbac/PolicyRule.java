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
}
