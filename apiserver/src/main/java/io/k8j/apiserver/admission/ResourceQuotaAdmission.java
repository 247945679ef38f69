package io.k8j.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.http.ApiException;
import io.k8j.apiserver.registry.ServedResource;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * Upstream's ResourceQuota admission: a new object is admitted only if every ResourceQuota of its
 * namespace still has room for what it uses ({@link QuotaUsage}), and its use is then charged to
 * each quota's {@code status.used} (a compare-and-swap write, retried on conflict) before the
 * object is stored; else 403 {@code exceeded quota: q, requested: ..., used: ..., limited: ...}. An
 * update of a claim or a Service is charged what it adds (a larger storage request, a node port
 * type). A quota with scopes sees only the pods they match ({@link QuotaScopes}). A quota that
 * limits compute resources refuses pods that do not state them. A new or changed quota gets {@code
 * status.hard} and its current usage; {@link QuotaController} corrects usage after deletes.
 */
public final class ResourceQuotaAdmission implements AdmissionPlugin {
  private final BiFunction<String, String, ServedResource> resources;
  private final QuotaUsage usage;

  public ResourceQuotaAdmission(BiFunction<String, String, ServedResource> resources) {
    this.resources = resources;
    this.usage = new QuotaUsage(resources);
  }

  @Override
  public String name() {
    return "ResourceQuota";
  }

  /** A quota written by a user gets {@code status.hard} = {@code spec.hard} and its usage. */
  @Override
  public void admit(AdmissionRequest r) {
    if (!r.isMain("", "resourcequotas") || r.operation() == AdmissionRequest.Operation.DELETE) {
      return;
    }
    JsonNode hard = r.object().path("spec").path("hard");
    ObjectNode status = Json.child(r.object(), "status");
    status.set("hard", hard.deepCopy());
    status.set("used", ResourceLists.toJson(usage.inNamespace(r.namespace(), r.object())));
  }

  @Override
  public void validate(AdmissionRequest r) {
    if (!handles(r)) {
      return;
    }
    ServedResource quotas = resources.apply("", "resourcequotas");
    // as upstream's informer-fed lister: the watch cache, no wait; charging below is consistent
    List<ObjectNode> all =
        quotas.cache().list(quotas.def().listPrefix(r.namespace()), q -> true).items();
    if (all.isEmpty()) {
      return;
    }
    List<ObjectNode> charged = new ArrayList<>();
    for (ObjectNode q : all) {
      if (!QuotaScopes.matches(q, r.def(), r.object())) {
        continue;
      }
      Map<String, BigDecimal> hard = ResourceLists.parse(q.path("spec").path("hard"));
      Map<String, BigDecimal> requested = requested(r, hard.keySet());
      if (r.operation() == AdmissionRequest.Operation.CREATE) {
        requireComputeStated(r, q, hard);
      }
      if (requested.isEmpty()) {
        continue;
      }
      check(r, q, hard, requested);
      charged.add(q);
    }
    if (r.dryRun()) {
      return;
    }
    for (ObjectNode q : charged) {
      String name = q.path("metadata").path("name").asText();
      quotas
          .store()
          .update(
              r.namespace(),
              name,
              "status",
              current -> {
                Map<String, BigDecimal> hard =
                    ResourceLists.parse(current.path("spec").path("hard"));
                Map<String, BigDecimal> requested = requested(r, hard.keySet());
                check(r, current, hard, requested);
                Map<String, BigDecimal> used = used(current, hard);
                requested.forEach((k, v) -> used.merge(k, v, BigDecimal::add));
                ObjectNode status = Json.child(current, "status");
                status.set("hard", current.path("spec").path("hard").deepCopy());
                status.set("used", ResourceLists.toJson(used));
                return current;
              },
              false);
    }
  }

  /**
   * As upstream's evaluators: every new namespaced object is charged; on UPDATE only claims (a
   * larger storage request) and Services (a type with node ports or a load balancer) are.
   */
  private static boolean handles(AdmissionRequest r) {
    if (!r.subresource().isEmpty() || !r.def().namespaced() || r.namespace().isEmpty()) {
      return false;
    }
    return switch (r.operation()) {
      case CREATE -> true;
      case UPDATE ->
          r.oldObject() != null
              && (r.isMain("", "persistentvolumeclaims") || r.isMain("", "services"));
      case DELETE -> false;
    };
  }

  /**
   * What the write adds to a quota tracking {@code tracked}: all the object uses on CREATE; on
   * UPDATE what it uses beyond the old object (upstream's {@code SubtractWithNonNegativeResult}).
   */
  private static Map<String, BigDecimal> requested(
      AdmissionRequest r, java.util.Set<String> tracked) {
    Map<String, BigDecimal> requested = QuotaUsage.of(r.def(), r.object(), tracked);
    if (r.operation() == AdmissionRequest.Operation.UPDATE) {
      Map<String, BigDecimal> before = QuotaUsage.of(r.def(), r.oldObject(), tracked);
      requested.replaceAll(
          (k, v) -> v.subtract(before.getOrDefault(k, BigDecimal.ZERO)).max(BigDecimal.ZERO));
    }
    requested.values().removeIf(v -> v.signum() == 0);
    return requested;
  }

  private static Map<String, BigDecimal> used(JsonNode quota, Map<String, BigDecimal> hard) {
    Map<String, BigDecimal> used = new TreeMap<>();
    Map<String, BigDecimal> recorded = ResourceLists.parse(quota.path("status").path("used"));
    hard.keySet().forEach(k -> used.put(k, recorded.getOrDefault(k, BigDecimal.ZERO)));
    return used;
  }

  private static void check(
      AdmissionRequest r,
      JsonNode quota,
      Map<String, BigDecimal> hard,
      Map<String, BigDecimal> requested) {
    Map<String, BigDecimal> used = used(quota, hard);
    Map<String, BigDecimal> failedRequested = new TreeMap<>();
    Map<String, BigDecimal> failedUsed = new TreeMap<>();
    Map<String, BigDecimal> failedHard = new TreeMap<>();
    requested.forEach(
        (k, v) -> {
          BigDecimal limit = hard.get(k);
          if (limit != null && used.get(k).add(v).compareTo(limit) > 0) {
            failedRequested.put(k, v);
            failedUsed.put(k, used.get(k));
            failedHard.put(k, limit);
          }
        });
    if (!failedRequested.isEmpty()) {
      throw ApiException.forbidden(
          r.def().groupResource(),
          r.name(),
          "exceeded quota: %s, requested: %s, used: %s, limited: %s"
              .formatted(
                  quota.path("metadata").path("name").asText(),
                  pretty(failedRequested),
                  pretty(failedUsed),
                  pretty(failedHard)),
          null);
    }
  }

  /** A pod must state each compute resource the quota limits, as upstream's pod evaluator. */
  private static void requireComputeStated(
      AdmissionRequest r, JsonNode quota, Map<String, BigDecimal> hard) {
    if (!r.def().group().isEmpty() || !r.def().plural().equals("pods")) {
      return;
    }
    List<String> missing = new ArrayList<>();
    for (String resource : hard.keySet()) {
      String field;
      String name;
      if (resource.startsWith("requests.") || resource.startsWith("limits.")) {
        field = resource.substring(0, resource.indexOf('.'));
        name = resource.substring(resource.indexOf('.') + 1);
      } else if (resource.equals("cpu") || resource.equals("memory")) {
        field = "requests";
        name = resource;
      } else {
        continue;
      }
      List<String> without = new ArrayList<>();
      for (JsonNode c : LimitRanger.containers(r.object())) {
        if (!c.path("resources").path(field).has(name)) {
          without.add(c.path("name").asText());
        }
      }
      if (!without.isEmpty()) {
        missing.add(resource + " for: " + String.join(",", without));
      }
    }
    if (!missing.isEmpty()) {
      throw ApiException.forbidden(
          r.def().groupResource(),
          r.name(),
          "failed quota: %s: must specify %s"
              .formatted(quota.path("metadata").path("name").asText(), String.join("; ", missing)),
          null);
    }
  }

  private static String pretty(Map<String, BigDecimal> values) {
    return values.entrySet().stream()
        .map(e -> e.getKey() + "=" + ResourceLists.format(e.getKey(), e.getValue()))
        .collect(Collectors.joining(","));
  }
}
