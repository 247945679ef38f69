package io.k8j.apiserver.registry.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/** Upstream's pod spec defaults, shared by pods and every pod template. */
public final class PodDefaults {
  private PodDefaults() {}

  public static void apply(ObjectNode spec) {
    putIfAbsent(spec, "restartPolicy", "Always");
    putIfAbsent(spec, "dnsPolicy", "ClusterFirst");
    putIfAbsent(spec, "schedulerName", "default-scheduler");
    if (!spec.has("terminationGracePeriodSeconds")) {
      spec.put("terminationGracePeriodSeconds", 30);
    }
    if (!spec.has("securityContext")) {
      spec.putObject("securityContext");
    }
    if (!spec.has("enableServiceLinks")) {
      spec.put("enableServiceLinks", true);
    }
    putIfAbsent(spec, "serviceAccountName", "default");
    putIfAbsent(spec, "serviceAccount", spec.path("serviceAccountName").asText());
    for (String list : List.of("containers", "initContainers")) {
      for (JsonNode c : spec.path(list)) {
        if (c instanceof ObjectNode container) {
          container(container);
        }
      }
    }
    for (JsonNode v : spec.path("volumes")) {
      if (v instanceof ObjectNode volume) {
        volume(volume);
      }
    }
  }

  /** A volume's source: file modes 0644, a host path's type "", downward fields of v1. */
  private static void volume(ObjectNode v) {
    for (String source : List.of("configMap", "secret", "downwardAPI", "projected")) {
      if (v.path(source) instanceof ObjectNode s && !s.has("defaultMode")) {
        s.put("defaultMode", 0644);
      }
    }
    if (v.path("hostPath") instanceof ObjectNode h && !h.has("type")) {
      h.put("type", "");
    }
    for (JsonNode item : v.path("downwardAPI").path("items")) {
      fieldRefs(item);
    }
    for (JsonNode source : v.path("projected").path("sources")) {
      for (JsonNode item : source.path("downwardAPI").path("items")) {
        fieldRefs(item);
      }
    }
  }

  /** Where a value comes from a field of the pod or a container's resources. */
  private static void fieldRefs(JsonNode from) {
    if (from.path("fieldRef") instanceof ObjectNode f) {
      putIfAbsent(f, "apiVersion", "v1");
    }
    if (from.path("resourceFieldRef") instanceof ObjectNode r && !r.has("divisor")) {
      r.put("divisor", "0");
    }
  }

  /** Upstream's probe defaults: a 1 s timeout every 10 s, 1 success, 3 failures. */
  private static void probe(ObjectNode p) {
    for (var d :
        List.of(
            Map.entry("timeoutSeconds", 1),
            Map.entry("periodSeconds", 10),
            Map.entry("successThreshold", 1),
            Map.entry("failureThreshold", 3))) {
      if (!p.has(d.getKey())) {
        p.put(d.getKey(), d.getValue());
      }
    }
    httpGet(p);
  }

  private static void httpGet(JsonNode handler) {
    if (handler.path("httpGet") instanceof ObjectNode h) {
      putIfAbsent(h, "path", "/");
      putIfAbsent(h, "scheme", "HTTP");
    }
  }

  private static void container(ObjectNode c) {
    String image = c.path("image").asText("");
    String tag =
        image.contains("@")
            ? "digest"
            : image.contains(":") && image.lastIndexOf(':') > image.lastIndexOf('/')
                ? image.substring(image.lastIndexOf(':') + 1)
                : "latest";
    putIfAbsent(c, "imagePullPolicy", tag.equals("latest") ? "Always" : "IfNotPresent");
    putIfAbsent(c, "terminationMessagePath", "/dev/termination-log");
    putIfAbsent(c, "terminationMessagePolicy", "File");
    if (!c.has("resources")) {
      c.putObject("resources");
    }
    for (JsonNode p : c.path("ports")) {
      if (p instanceof ObjectNode port) {
        putIfAbsent(port, "protocol", "TCP");
      }
    }
    for (String kind : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
      if (c.path(kind) instanceof ObjectNode p) {
        probe(p);
      }
    }
    httpGet(c.path("lifecycle").path("postStart"));
    httpGet(c.path("lifecycle").path("preStop"));
    for (JsonNode env : c.path("env")) {
      fieldRefs(env.path("valueFrom"));
    }
  }

  /** The pod's QoS class from its containers' requests and limits. */
  public static String qosClass(JsonNode spec) {
    boolean any = false;
    boolean guaranteed = true;
    for (JsonNode c : spec.path("containers")) {
      JsonNode req = c.path("resources").path("requests");
      JsonNode lim = c.path("resources").path("limits");
      if (!req.isEmpty() || !lim.isEmpty()) {
        any = true;
      }
      for (String r : List.of("cpu", "memory")) {
        if (!lim.has(r) || req.has(r) && !req.path(r).asText().equals(lim.path(r).asText())) {
          guaranteed = false;
        }
      }
    }
    if (!any) {
      return "BestEffort";
    }
    return guaranteed ? "Guaranteed" : "Burstable";
  }

  private static void putIfAbsent(ObjectNode o, String field, String value) {
    if (o.path(field).asText("").isEmpty()) {
      o.put(field, value);
    }
  }
}
