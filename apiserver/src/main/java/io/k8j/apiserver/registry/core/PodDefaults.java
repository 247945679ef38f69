package io.k8j.apiserver.registry.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

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
