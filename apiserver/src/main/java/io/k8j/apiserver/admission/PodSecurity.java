package io.k8j.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.http.ApiException;
import java.util.List;
import java.util.function.Function;

/**
 * Upstream's PodSecurity admission: the namespace's labels {@code
 * pod-security.kubernetes.io/enforce}, {@code warn} and {@code audit} name a Pod Security Standard
 * level (privileged, baseline, restricted); a pod that violates the enforce level is refused with
 * upstream's reasons, one that violates the warn level is admitted with a {@code Warning}. The
 * checks are in {@link PodSecurityChecks}.
 */
public final class PodSecurity implements AdmissionPlugin {
  static final String PREFIX = "pod-security.kubernetes.io/";
  private final Function<String, JsonNode> namespaces;

  /**
   * @param namespaces a namespace by name, or null
   */
  public PodSecurity(Function<String, JsonNode> namespaces) {
    this.namespaces = namespaces;
  }

  @Override
  public String name() {
    return "PodSecurity";
  }

  @Override
  public void validate(AdmissionRequest r) {
    if (!r.isMain("", "pods") || r.operation() == AdmissionRequest.Operation.DELETE) {
      return;
    }
    if (r.operation() == AdmissionRequest.Operation.UPDATE && sameSpec(r.object(), r.oldObject())) {
      return;
    }
    JsonNode ns = namespaces.apply(r.namespace());
    if (ns == null) {
      return;
    }
    JsonNode labels = ns.path("metadata").path("labels");
    String enforce = level(labels, "enforce");
    String warn = level(labels, "warn");
    if (!enforce.equals("privileged")) {
      List<String> violations = PodSecurityChecks.check(enforce, r.object());
      if (!violations.isEmpty()) {
        throw ApiException.forbidden(
            r.def().groupResource(),
            r.name(),
            "violates PodSecurity \"%s:%s\": %s"
                .formatted(enforce, version(labels, "enforce"), String.join(", ", violations)),
            null);
      }
    }
    if (!warn.equals("privileged")) {
      List<String> violations = PodSecurityChecks.check(warn, r.object());
      if (!violations.isEmpty()) {
        r.warn(
            "would violate PodSecurity \"%s:%s\": %s"
                .formatted(warn, version(labels, "warn"), String.join(", ", violations)));
      }
    }
  }

  private static boolean sameSpec(ObjectNode pod, ObjectNode old) {
    return old != null && pod.path("spec").equals(old.path("spec"));
  }

  private static String level(JsonNode labels, String mode) {
    String l = labels.path(PREFIX + mode).asText("privileged");
    return List.of("privileged", "baseline", "restricted").contains(l) ? l : "restricted";
  }

  private static String version(JsonNode labels, String mode) {
    return labels.path(PREFIX + mode + "-version").asText("latest");
  }
}
