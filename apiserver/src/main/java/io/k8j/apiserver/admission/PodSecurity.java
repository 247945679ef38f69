package io.k8j.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.http.ApiException;
import io.k8j.apiserver.registry.validation.FieldError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Upstream's PodSecurity admission: the namespace's labels {@code
 * pod-security.kubernetes.io/enforce}, {@code warn} and {@code audit} (with {@code -version}) name
 * a Pod Security Standard level (privileged, baseline, restricted) and policy version ({@code
 * latest} or {@code v1.N}); unlabelled modes take the configuration's defaults ({@link
 * PodSecurityConfiguration}). A pod that violates the enforce level is refused with upstream's
 * reasons, one that violates the warn level is admitted with a {@code Warning}; the pod template of
 * a workload (Deployment, Job, CronJob, ...) is only warned about, for either level. Exempt
 * usernames, runtime classes and namespaces are not checked. Labelling a namespace with an invalid
 * level is refused; a new enforce level warns about the namespace's pods that violate it. The
 * checks are in {@link PodSecurityChecks}.
 */
public final class PodSecurity implements AdmissionPlugin {
  static final String PREFIX = "pod-security.kubernetes.io/";
  private static final List<String> LEVELS = List.of("privileged", "baseline", "restricted");
  private static final Pattern VERSION = Pattern.compile("v1\\.(0|[1-9][0-9]*)");
  private static final int MAX_POD_WARNINGS = 10;

  private final Function<String, JsonNode> namespaces;
  private final Function<String, List<ObjectNode>> podsIn;
  private final PodSecurityConfiguration config;

  /**
   * @param namespaces a namespace by name, or null
   * @param podsIn the pods of a namespace
   */
  public PodSecurity(
      Function<String, JsonNode> namespaces,
      Function<String, List<ObjectNode>> podsIn,
      PodSecurityConfiguration config) {
    this.namespaces = namespaces;
    this.podsIn = podsIn;
    this.config = config;
  }

  /**
   * A level at a policy version, as upstream's {@code LevelVersion} ({@code restricted:latest}).
   */
  record Policy(String level, String version) {
    boolean privileged() {
      return level.equals("privileged");
    }

    List<String> violations(JsonNode pod) {
      return privileged() ? List.of() : PodSecurityChecks.check(level, minor(version), pod);
    }

    @Override
    public String toString() {
      return level + ":" + version;
    }
  }

  @Override
  public String name() {
    return "PodSecurity";
  }

  static boolean isLevel(String value) {
    return LEVELS.contains(value);
  }

  /**
   * The minor of a policy version: {@link PodSecurityChecks#LATEST} for {@code latest}, -1 when
   * invalid.
   */
  static int minor(String version) {
    if (version.equals("latest")) {
      return PodSecurityChecks.LATEST;
    }
    Matcher m = VERSION.matcher(version);
    return m.matches() ? Integer.parseInt(m.group(1)) : -1;
  }

  @Override
  public void validate(AdmissionRequest r) {
    if (r.operation() == AdmissionRequest.Operation.DELETE || !r.subresource().isEmpty()) {
      return;
    }
    if (r.isMain("", "namespaces")) {
      validateNamespace(r);
      return;
    }
    JsonNode template = PodTemplates.of(r.def(), r.object());
    if (template == null
        || r.operation() == AdmissionRequest.Operation.UPDATE
            && unchanged(template, PodTemplates.of(r.def(), r.oldObject()))) {
      return;
    }
    if (config.exemptNamespaces().contains(r.namespace())
        || config.exemptUsernames().contains(r.user().name())
        || config
            .exemptRuntimeClasses()
            .contains(template.path("spec").path("runtimeClassName").asText(""))) {
      return;
    }
    JsonNode ns = namespaces.apply(r.namespace());
    if (ns == null) {
      return;
    }
    JsonNode labels = ns.path("metadata").path("labels");
    Policy enforce = policy(labels, "enforce");
    Policy warn = policy(labels, "warn");
    boolean pod = r.isMain("", "pods");
    List<String> violations = enforce.violations(template);
    if (!violations.isEmpty()) {
      String reasons = String.join(", ", violations);
      if (pod) {
        throw ApiException.forbidden(
            r.def().groupResource(),
            r.name(),
            "violates PodSecurity \"%s\": %s".formatted(enforce, reasons),
            null);
      }
      r.warn("would violate PodSecurity \"%s\": %s".formatted(enforce, reasons));
    }
    if (!warn.equals(enforce)) {
      List<String> warned = warn.violations(template);
      if (!warned.isEmpty()) {
        r.warn("would violate PodSecurity \"%s\": %s".formatted(warn, String.join(", ", warned)));
      }
    }
  }

  private static boolean unchanged(JsonNode template, JsonNode old) {
    return old != null
        && template.path("spec").equals(old.path("spec"))
        && template
            .path("metadata")
            .path("annotations")
            .equals(old.path("metadata").path("annotations"));
  }

  /**
   * A mode's policy from the labels, else the defaults; an invalid label means restricted:latest.
   */
  private Policy policy(JsonNode labels, String mode) {
    String level = labels.path(PREFIX + mode).asText(config.defaultFor(mode));
    String version =
        labels.path(PREFIX + mode + "-version").asText(config.defaultFor(mode + "-version"));
    if (!isLevel(level) || minor(version) < 0) {
      return new Policy("restricted", "latest");
    }
    return new Policy(level, version);
  }

  private static Map<String, String> policyLabels(JsonNode labels) {
    Map<String, String> out = new java.util.TreeMap<>();
    for (var e : labels.properties()) {
      if (e.getKey().startsWith(PREFIX)) {
        out.put(e.getKey(), e.getValue().asText());
      }
    }
    return out;
  }

  /**
   * As upstream: a namespace's labels must name valid levels and versions (an update that leaves
   * them as they were is not checked); a new enforce level warns about the pods already in the
   * namespace that violate it.
   */
  private void validateNamespace(AdmissionRequest r) {
    JsonNode labels = r.object().path("metadata").path("labels");
    if (r.operation() == AdmissionRequest.Operation.UPDATE
        && policyLabels(labels)
            .equals(policyLabels(r.oldObject().path("metadata").path("labels")))) {
      return;
    }
    List<FieldError> errors = new ArrayList<>();
    for (String mode : List.of("enforce", "audit", "warn")) {
      String field = "metadata.labels[" + PREFIX + mode + "]";
      JsonNode level = labels.path(PREFIX + mode);
      if (level.isTextual() && !isLevel(level.asText())) {
        errors.add(
            FieldError.invalid(
                field, level.asText(), "must be one of " + String.join(", ", LEVELS)));
      }
      JsonNode version = labels.path(PREFIX + mode + "-version");
      if (version.isTextual() && minor(version.asText()) < 0) {
        errors.add(
            FieldError.invalid(
                "metadata.labels[" + PREFIX + mode + "-version]",
                version.asText(),
                "must be \"latest\" or \"v1.x\""));
      }
    }
    if (!errors.isEmpty()) {
      throw ApiException.invalid("", "Namespace", r.name(), errors);
    }
    if (r.operation() != AdmissionRequest.Operation.UPDATE
        || config.exemptNamespaces().contains(r.name())) {
      return;
    }
    Policy enforce = policy(labels, "enforce");
    Policy before = policy(r.oldObject().path("metadata").path("labels"), "enforce");
    if (enforce.privileged() || enforce.equals(before)) {
      return;
    }
    Map<String, List<String>> podsByReasons = new LinkedHashMap<>();
    for (ObjectNode pod : podsIn.apply(r.name())) {
      if (config
          .exemptRuntimeClasses()
          .contains(pod.path("spec").path("runtimeClassName").asText(""))) {
        continue;
      }
      List<String> reasons = new ArrayList<>();
      for (String v : enforce.violations(pod)) {
        reasons.add(v.contains(" (") ? v.substring(0, v.indexOf(" (")) : v);
      }
      if (!reasons.isEmpty()) {
        podsByReasons
            .computeIfAbsent(String.join(", ", reasons), k -> new ArrayList<>())
            .add(pod.path("metadata").path("name").asText());
      }
    }
    if (podsByReasons.isEmpty()) {
      return;
    }
    r.warn(
        "existing pods in namespace \"%s\" violate the new PodSecurity enforce level \"%s\""
            .formatted(r.name(), enforce));
    podsByReasons.entrySet().stream()
        .limit(MAX_POD_WARNINGS)
        .forEach(
            e -> {
              List<String> names = e.getValue();
              String who =
                  names.size() == 1
                      ? names.getFirst()
                      : "%s (and %d other %s)"
                          .formatted(
                              names.getFirst(),
                              names.size() - 1,
                              names.size() == 2 ? "pod" : "pods");
              r.warn(who + ": " + e.getKey());
            });
  }
}
