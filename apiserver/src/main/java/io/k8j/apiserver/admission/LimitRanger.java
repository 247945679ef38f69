package io.k8j.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.http.ApiException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Upstream's LimitRanger over the LimitRanges of the pod's namespace: {@code admit} fills in each
 * container's missing requests and limits from the {@code Container} item's defaultRequest and
 * default (themselves defaulted as upstream's API does: default from max, defaultRequest from
 * default, then from min); {@code validate} enforces min, max and maxLimitRequestRatio per
 * Container and, summed, per Pod, refusing with upstream's messages.
 */
public final class LimitRanger implements AdmissionPlugin {
  static final String ANNOTATION = "kubernetes.io/limit-ranger";
  private final Function<String, List<ObjectNode>> limitRanges;

  /**
   * @param limitRanges the LimitRanges of a namespace
   */
  public LimitRanger(Function<String, List<ObjectNode>> limitRanges) {
    this.limitRanges = limitRanges;
  }

  @Override
  public String name() {
    return "LimitRanger";
  }

  private List<JsonNode> items(String namespace, String type) {
    List<JsonNode> out = new ArrayList<>();
    for (ObjectNode lr : limitRanges.apply(namespace)) {
      for (JsonNode item : lr.path("spec").path("limits")) {
        if (item.path("type").asText().equals(type)) {
          out.add(item);
        }
      }
    }
    return out;
  }

  @Override
  public void admit(AdmissionRequest r) {
    if (!r.isMain("", "pods") || r.operation() != AdmissionRequest.Operation.CREATE) {
      return;
    }
    List<String> applied = new ArrayList<>();
    for (JsonNode item : items(r.namespace(), "Container")) {
      Map<String, JsonNode> limits = defaults(item);
      Map<String, JsonNode> requests = defaultRequests(item, limits);
      for (JsonNode c : containers(r.object())) {
        ObjectNode resources = Json.child((ObjectNode) c, "resources");
        String name = c.path("name").asText();
        List<String> setRequests = fill(resources, "requests", requests);
        List<String> setLimits = fill(resources, "limits", limits);
        if (!setRequests.isEmpty()) {
          applied.add(String.join(", ", setRequests) + " request for container " + name);
        }
        if (!setLimits.isEmpty()) {
          applied.add(String.join(", ", setLimits) + " limit for container " + name);
        }
      }
    }
    if (!applied.isEmpty()) {
      Json.child(Json.metadata(r.object()), "annotations")
          .put(ANNOTATION, "LimitRanger plugin set: " + String.join("; ", applied));
    }
  }

  private static Map<String, JsonNode> defaults(JsonNode item) {
    Map<String, JsonNode> m = new LinkedHashMap<>();
    item.path("max").fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue()));
    item.path("default").fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue()));
    return m;
  }

  private static Map<String, JsonNode> defaultRequests(
      JsonNode item, Map<String, JsonNode> limits) {
    Map<String, JsonNode> m = new LinkedHashMap<>();
    item.path("min").fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue()));
    m.putAll(limits);
    item.path("defaultRequest").fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue()));
    return m;
  }

  private static List<String> fill(ObjectNode resources, String field, Map<String, JsonNode> with) {
    List<String> set = new ArrayList<>();
    if (with.isEmpty()) {
      return set;
    }
    ObjectNode list = Json.child(resources, field);
    for (Map.Entry<String, JsonNode> e : with.entrySet()) {
      if (!list.has(e.getKey())) {
        list.set(e.getKey(), e.getValue().deepCopy());
        set.add(e.getKey());
      }
    }
    return set;
  }

  @Override
  public void validate(AdmissionRequest r) {
    if (!r.isMain("", "pods") || r.operation() != AdmissionRequest.Operation.CREATE) {
      return;
    }
    List<String> errors = new ArrayList<>();
    List<JsonNode> containers = containers(r.object());
    for (JsonNode item : items(r.namespace(), "Container")) {
      for (JsonNode c : containers) {
        JsonNode res = c.path("resources");
        check(item, "Container", res.path("requests"), res.path("limits"), errors);
      }
    }
    List<JsonNode> podItems = items(r.namespace(), "Pod");
    if (!podItems.isEmpty()) {
      ObjectNode requests = sum(containers, "requests");
      ObjectNode limits = sum(containers, "limits");
      for (JsonNode item : podItems) {
        check(item, "Pod", requests, limits, errors);
      }
    }
    if (!errors.isEmpty()) {
      String message =
          errors.size() == 1 ? errors.getFirst() : "[" + String.join(", ", errors) + "]";
      throw ApiException.forbidden(r.def().groupResource(), r.name(), message, null);
    }
  }

  private static ObjectNode sum(List<JsonNode> containers, String field) {
    Map<String, BigDecimal> total = new java.util.TreeMap<>();
    for (JsonNode c : containers) {
      ResourceLists.parse(c.path("resources").path(field))
          .forEach((k, v) -> total.merge(k, v, BigDecimal::add));
    }
    return ResourceLists.toJson(total);
  }

  /** Upstream's minConstraint, maxConstraint and limitRequestRatioConstraint for one item. */
  private static void check(
      JsonNode item, String type, JsonNode requests, JsonNode limits, List<String> errors) {
    Map<String, BigDecimal> req = ResourceLists.parse(requests);
    Map<String, BigDecimal> lim = ResourceLists.parse(limits);
    ResourceLists.parse(item.path("min"))
        .forEach(
            (res, min) -> {
              String minText = item.path("min").path(res).asText();
              BigDecimal q = req.get(res);
              if (q == null) {
                errors.add(
                    "minimum %s usage per %s is %s.  No request is specified"
                        .formatted(res, type, minText));
              } else if (q.compareTo(min) < 0) {
                errors.add(
                    "minimum %s usage per %s is %s, but request is %s"
                        .formatted(res, type, minText, text(requests, res, q)));
              }
            });
    ResourceLists.parse(item.path("max"))
        .forEach(
            (res, max) -> {
              String maxText = item.path("max").path(res).asText();
              BigDecimal q = lim.get(res);
              if (q == null) {
                errors.add(
                    "maximum %s usage per %s is %s.  No limit is specified"
                        .formatted(res, type, maxText));
              } else if (q.compareTo(max) > 0) {
                errors.add(
                    "maximum %s usage per %s is %s, but limit is %s"
                        .formatted(res, type, maxText, text(limits, res, q)));
              }
            });
    ResourceLists.parse(item.path("maxLimitRequestRatio"))
        .forEach(
            (res, ratio) -> {
              String ratioText = item.path("maxLimitRequestRatio").path(res).asText();
              BigDecimal q = req.get(res);
              BigDecimal l = lim.get(res);
              if (q == null || l == null || q.signum() == 0) {
                errors.add(
                    "%s max limit to request ratio per %s is %s, but no request is specified or request is 0"
                        .formatted(res, type, ratioText));
                return;
              }
              BigDecimal actual = l.divide(q, 6, RoundingMode.HALF_UP);
              if (actual.compareTo(ratio) > 0) {
                errors.add(
                    "%s max limit to request ratio per %s is %s, but provided ratio is %s"
                        .formatted(res, type, ratioText, actual.setScale(6, RoundingMode.HALF_UP)));
              }
            });
  }

  private static String text(JsonNode list, String res, BigDecimal value) {
    JsonNode v = list.path(res);
    return v.isTextual() ? v.asText() : ResourceLists.format(res, value);
  }

  static List<JsonNode> containers(ObjectNode pod) {
    List<JsonNode> out = new ArrayList<>();
    pod.path("spec").path("initContainers").forEach(out::add);
    pod.path("spec").path("containers").forEach(out::add);
    return out;
  }
}
