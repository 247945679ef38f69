package io.k8j.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import io.k8j.apiserver.registry.ListOptions;
import io.k8j.apiserver.registry.ResourceDef;
import io.k8j.apiserver.registry.ServedResource;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * What objects use of a quota, as upstream's quota evaluators count it: every object one of {@code
 * count/<resource>[.<group>]} (and of the legacy names {@code pods}, {@code services}, {@code
 * secrets}, ...); a pod that has not finished its compute requests and limits ({@code requests.cpu}
 * or {@code cpu}, {@code limits.memory}, ...); a claim its storage request; a Service its node
 * ports and load balancer. A quota with scopes sees only the pods they match ({@link QuotaScopes}).
 */
final class QuotaUsage {
  private static final Set<String> LEGACY_COUNTS =
      Set.of(
          "pods",
          "services",
          "secrets",
          "configmaps",
          "persistentvolumeclaims",
          "replicationcontrollers",
          "resourcequotas");

  private final BiFunction<String, String, ServedResource> resources;

  /**
   * @param resources a served resource by group and plural, or null
   */
  QuotaUsage(BiFunction<String, String, ServedResource> resources) {
    this.resources = resources;
  }

  /** The usage of one object, for the quota resources {@code tracked}. */
  static Map<String, BigDecimal> of(ResourceDef def, JsonNode obj, Collection<String> tracked) {
    Map<String, BigDecimal> out = new TreeMap<>();
    String count = "count/" + def.plural() + (def.group().isEmpty() ? "" : "." + def.group());
    boolean counted = !def.plural().equals("pods") || !terminal(obj);
    if (counted) {
      out.put(count, BigDecimal.ONE);
      if (def.group().isEmpty() && LEGACY_COUNTS.contains(def.plural())) {
        out.put(def.plural(), BigDecimal.ONE);
      }
    }
    if (def.group().isEmpty() && def.plural().equals("pods") && counted) {
      podCompute(obj, out);
    } else if (def.group().isEmpty() && def.plural().equals("persistentvolumeclaims")) {
      BigDecimal storage =
          ResourceLists.parse(obj.path("spec").path("resources").path("requests")).get("storage");
      if (storage != null) {
        out.put("requests.storage", storage);
      }
    } else if (def.group().isEmpty() && def.plural().equals("services")) {
      String type = obj.path("spec").path("type").asText("ClusterIP");
      if (type.equals("NodePort") || type.equals("LoadBalancer")) {
        out.put("services.nodeports", BigDecimal.valueOf(obj.path("spec").path("ports").size()));
      }
      if (type.equals("LoadBalancer")) {
        out.put("services.loadbalancers", BigDecimal.ONE);
      }
    }
    out.keySet().retainAll(tracked);
    return out;
  }

  private static boolean terminal(JsonNode pod) {
    String phase = pod.path("status").path("phase").asText("");
    return phase.equals("Succeeded") || phase.equals("Failed");
  }

  /** A pod's requests and limits: the larger of its containers' sum and any init container. */
  private static void podCompute(JsonNode pod, Map<String, BigDecimal> out) {
    for (String field : List.of("requests", "limits")) {
      Map<String, BigDecimal> sum = new TreeMap<>();
      for (JsonNode c : pod.path("spec").path("containers")) {
        ResourceLists.parse(c.path("resources").path(field))
            .forEach((k, v) -> sum.merge(k, v, BigDecimal::add));
      }
      for (JsonNode c : pod.path("spec").path("initContainers")) {
        ResourceLists.parse(c.path("resources").path(field))
            .forEach((k, v) -> sum.merge(k, v, BigDecimal::max));
      }
      sum.forEach(
          (k, v) -> {
            out.put(field + "." + k, v);
            if (field.equals("requests") && (k.equals("cpu") || k.equals("memory"))) {
              out.put(k, v);
            }
          });
    }
  }

  /**
   * The resource a quota name counts objects of: {@code count/deployments.apps} is
   * apps/deployments.
   */
  static String[] countedResource(String quotaName) {
    String r = quotaName.startsWith("count/") ? quotaName.substring(6) : quotaName;
    if (quotaName.equals("requests.storage")) {
      return new String[] {"", "persistentvolumeclaims"};
    }
    if (quotaName.startsWith("requests.")
        || quotaName.startsWith("limits.")
        || quotaName.equals("cpu")
        || quotaName.equals("memory")) {
      return new String[] {"", "pods"};
    }
    if (quotaName.startsWith("services.")) {
      return new String[] {"", "services"};
    }
    int dot = r.indexOf('.');
    return dot < 0
        ? new String[] {"", r}
        : new String[] {r.substring(dot + 1), r.substring(0, dot)};
  }

  /**
   * The current usage in {@code namespace} of the resources {@code quota} limits, by the objects
   * its scopes see.
   */
  Map<String, BigDecimal> inNamespace(String namespace, JsonNode quota) {
    Set<String> tracked = ResourceLists.parse(quota.path("spec").path("hard")).keySet();
    Map<String, BigDecimal> used = new TreeMap<>();
    tracked.forEach(t -> used.put(t, BigDecimal.ZERO));
    Set<String> listed = new java.util.HashSet<>();
    for (String t : tracked) {
      String[] gr = countedResource(t);
      if (!listed.add(gr[0] + "/" + gr[1])) {
        continue;
      }
      ServedResource r = resources.apply(gr[0], gr[1]);
      if (r == null || !r.def().namespaced() || !r.def().verbs().contains("list")) {
        continue;
      }
      for (JsonNode obj : r.lister().list(namespace, ListOptions.all()).items()) {
        if (QuotaScopes.matches(quota, r.def(), obj)) {
          of(r.def(), obj, tracked).forEach((k, v) -> used.merge(k, v, BigDecimal::add));
        }
      }
    }
    return used;
  }
}
