package io.k8j.apiserver.registry.core;

import com.fasterxml.jackson.databind.JsonNode;
import io.k8j.apiserver.registry.validation.FieldError;
import io.k8j.apiserver.registry.validation.Names;
import io.k8j.apiserver.registry.validation.Quantities;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Upstream's pod spec validation, the parts users meet: containers, names, images, ports, enums.
 */
public final class PodValidation {
  private static final List<String> RESTART_POLICIES = List.of("Always", "OnFailure", "Never");
  private static final List<String> DNS_POLICIES =
      List.of("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None");
  private static final List<String> PULL_POLICIES = List.of("Always", "IfNotPresent", "Never");
  private static final List<String> PROTOCOLS = List.of("SCTP", "TCP", "UDP");

  private PodValidation() {}

  public static List<FieldError> validateSpec(JsonNode spec, String path) {
    List<FieldError> errs = new ArrayList<>();
    JsonNode containers = spec.path("containers");
    if (!containers.isArray() || containers.isEmpty()) {
      errs.add(FieldError.required(path + ".containers", ""));
    }
    Set<String> names = new HashSet<>();
    for (String list : List.of("initContainers", "containers")) {
      int i = 0;
      for (JsonNode c : spec.path(list)) {
        container(c, path + "." + list + "[" + i++ + "]", names, errs);
      }
    }
    enumField(spec, "restartPolicy", path, RESTART_POLICIES, errs);
    enumField(spec, "dnsPolicy", path, DNS_POLICIES, errs);
    JsonNode grace = spec.path("terminationGracePeriodSeconds");
    if (grace.isNumber() && grace.asLong() < 0) {
      errs.add(
          FieldError.invalid(
              path + ".terminationGracePeriodSeconds",
              grace.asLong(),
              "must be greater than or equal to 0"));
    }
    return errs;
  }

  private static void container(JsonNode c, String path, Set<String> names, List<FieldError> errs) {
    String name = c.path("name").asText("");
    if (name.isEmpty()) {
      errs.add(FieldError.required(path + ".name", ""));
    } else {
      for (String msg : Names.dns1123Label(name)) {
        errs.add(FieldError.invalid(path + ".name", name, msg));
      }
      if (!names.add(name)) {
        errs.add(FieldError.duplicate(path + ".name", name));
      }
    }
    if (c.path("image").asText("").isBlank()) {
      errs.add(FieldError.required(path + ".image", ""));
    }
    enumField(c, "imagePullPolicy", path, PULL_POLICIES, errs);
    resources(c.path("resources"), path + ".resources", errs);
    int i = 0;
    for (JsonNode p : c.path("ports")) {
      String pp = path + ".ports[" + i++ + "]";
      JsonNode port = p.path("containerPort");
      if (!port.isNumber()) {
        errs.add(FieldError.required(pp + ".containerPort", ""));
      } else if (port.asLong() < 1 || port.asLong() > 65535) {
        errs.add(
            FieldError.invalid(
                pp + ".containerPort", port.asLong(), "must be between 1 and 65535, inclusive"));
      }
      enumField(p, "protocol", pp, PROTOCOLS, errs);
    }
  }

  private static void resources(JsonNode res, String path, List<FieldError> errs) {
    for (String kind : List.of("requests", "limits")) {
      for (var e : res.path(kind).properties()) {
        String q = e.getValue().asText();
        if (q.startsWith("-")) {
          errs.add(
              FieldError.invalid(
                  path + "." + kind + "[" + e.getKey() + "]",
                  q,
                  "must be greater than or equal to 0"));
        }
      }
    }
    for (var e : res.path("requests").properties()) {
      JsonNode limit = res.path("limits").path(e.getKey());
      BigDecimal request = Quantities.parse(e.getValue().asText());
      BigDecimal max = Quantities.parse(limit.asText());
      if (request != null && max != null && request.compareTo(max) > 0) {
        errs.add(
            FieldError.invalid(
                path + ".requests[" + e.getKey() + "]",
                e.getValue().asText(),
                "must be less than or equal to " + e.getKey() + " limit of " + limit.asText()));
      }
    }
  }

  static void enumField(
      JsonNode obj, String field, String path, List<String> allowed, List<FieldError> errs) {
    JsonNode v = obj.path(field);
    if (v.isTextual() && !allowed.contains(v.asText())) {
      errs.add(FieldError.notSupported(path + "." + field, v.asText(), allowed));
    }
  }
}
