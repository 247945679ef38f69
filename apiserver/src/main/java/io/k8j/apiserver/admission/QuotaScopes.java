package io.k8j.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import io.k8j.apiserver.registry.ResourceDef;
import java.util.ArrayList;
import java.util.List;

/**
 * Which objects a ResourceQuota's scopes let it see, as upstream's pod evaluator matches them: the
 * quota's {@code spec.scopes} (each as the {@code Exists} requirement it stands for) and {@code
 * spec.scopeSelector.matchExpressions} must all hold. Scopes concern pods only: a quota with scopes
 * charges and counts nothing else.
 *
 * <ul>
 *   <li>{@code Terminating} / {@code NotTerminating}: the pod has (not) {@code
 *       activeDeadlineSeconds};
 *   <li>{@code BestEffort} / {@code NotBestEffort}: no container (some container) states requests
 *       or limits;
 *   <li>{@code PriorityClass}: {@code In} / {@code NotIn} the values, {@code Exists} (a class is
 *       named), {@code DoesNotExist} (none is);
 *   <li>{@code CrossNamespacePodAffinity}: an affinity term names namespaces or a namespace
 *       selector.
 * </ul>
 */
final class QuotaScopes {
  private QuotaScopes() {}

  /** One requirement of a quota's scope selector. */
  record Requirement(String scope, String operator, List<String> values) {}

  /** The requirements of {@code quota}: its scopes, then its scope selector's expressions. */
  static List<Requirement> of(JsonNode quota) {
    List<Requirement> out = new ArrayList<>();
    JsonNode spec = quota.path("spec");
    spec.path("scopes").forEach(s -> out.add(new Requirement(s.asText(), "Exists", List.of())));
    for (JsonNode e : spec.path("scopeSelector").path("matchExpressions")) {
      List<String> values = new ArrayList<>();
      e.path("values").forEach(v -> values.add(v.asText()));
      out.add(new Requirement(e.path("scopeName").asText(), e.path("operator").asText(), values));
    }
    return out;
  }

  /** Whether {@code quota} sees {@code obj} of the resource {@code def}. */
  static boolean matches(JsonNode quota, ResourceDef def, JsonNode obj) {
    List<Requirement> requirements = of(quota);
    if (requirements.isEmpty()) {
      return true;
    }
    if (!def.group().isEmpty() || !def.plural().equals("pods")) {
      return false;
    }
    for (Requirement r : requirements) {
      if (!matches(r, obj)) {
        return false;
      }
    }
    return true;
  }

  private static boolean matches(Requirement r, JsonNode pod) {
    JsonNode spec = pod.path("spec");
    return switch (r.scope()) {
      case "Terminating" -> terminating(spec);
      case "NotTerminating" -> !terminating(spec);
      case "BestEffort" -> bestEffort(spec);
      case "NotBestEffort" -> !bestEffort(spec);
      case "CrossNamespacePodAffinity" -> crossNamespaceAffinity(spec);
      case "PriorityClass" -> priorityClass(r, spec.path("priorityClassName").asText(""));
      default -> false;
    };
  }

  private static boolean terminating(JsonNode spec) {
    return spec.path("activeDeadlineSeconds").isNumber()
        && spec.path("activeDeadlineSeconds").asLong() >= 0;
  }

  /** Upstream's BestEffort QoS class: no container or init container states a request or limit. */
  private static boolean bestEffort(JsonNode spec) {
    for (String f : List.of("initContainers", "containers")) {
      for (JsonNode c : spec.path(f)) {
        JsonNode resources = c.path("resources");
        if (!resources.path("requests").isEmpty() || !resources.path("limits").isEmpty()) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean crossNamespaceAffinity(JsonNode spec) {
    for (String kind : List.of("podAffinity", "podAntiAffinity")) {
      JsonNode affinity = spec.path("affinity").path(kind);
      List<JsonNode> terms = new ArrayList<>();
      affinity.path("requiredDuringSchedulingIgnoredDuringExecution").forEach(terms::add);
      affinity
          .path("preferredDuringSchedulingIgnoredDuringExecution")
          .forEach(w -> terms.add(w.path("podAffinityTerm")));
      for (JsonNode t : terms) {
        if (!t.path("namespaces").isEmpty() || t.path("namespaceSelector").isObject()) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean priorityClass(Requirement r, String className) {
    return switch (r.operator()) {
      case "In" -> r.values().contains(className);
      case "NotIn" -> !r.values().contains(className);
      case "Exists" -> !className.isEmpty();
      case "DoesNotExist" -> className.isEmpty();
      default -> false;
    };
  }
}
