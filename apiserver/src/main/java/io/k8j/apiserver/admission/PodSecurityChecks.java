package io.k8j.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The Pod Security Standards' checks, in upstream's order, each giving upstream's {@code reason
 * (detail)} text when a pod fails it. Baseline: AppArmor, host namespaces, host ports, privileged,
 * procMount, SELinux options, sysctls beyond the safe set, Windows host process, capabilities
 * beyond the default set, hostPath volumes, Unconfined seccomp. Restricted adds:
 * allowPrivilegeEscalation, dropping ALL capabilities, volume types, runAsNonRoot, runAsUser 0, a
 * seccomp profile.
 */
final class PodSecurityChecks {
  private static final Set<String> BASELINE_CAPABILITIES =
      Set.of(
          "AUDIT_WRITE",
          "CHOWN",
          "DAC_OVERRIDE",
          "FOWNER",
          "FSETID",
          "KILL",
          "MKNOD",
          "NET_BIND_SERVICE",
          "SETFCAP",
          "SETGID",
          "SETPCAP",
          "SETUID",
          "SYS_CHROOT");
  private static final Set<String> RESTRICTED_VOLUMES =
      Set.of(
          "configMap",
          "csi",
          "downwardAPI",
          "emptyDir",
          "ephemeral",
          "persistentVolumeClaim",
          "projected",
          "secret");

  /** The {@code latest} policy version. */
  static final int LATEST = Integer.MAX_VALUE;

  private PodSecurityChecks() {}

  /** The violations of {@code level} (at the latest version) by a pod, empty when it complies. */
  static List<String> check(String level, JsonNode pod) {
    return check(level, LATEST, pod);
  }

  /**
   * The violations of {@code level} at the policy version {@code v1.<minor>} ({@link #LATEST} for
   * {@code latest}) by a pod, in upstream's order: the baseline checks every level runs, then
   * baseline's own (capabilities, hostPath volumes, seccomp) or restricted's.
   */
  static List<String> check(String level, int minor, JsonNode pod) {
    boolean restricted = level.equals("restricted");
    JsonNode meta = pod.path("metadata");
    JsonNode spec = pod.path("spec");
    JsonNode podSc = spec.path("securityContext");
    List<JsonNode> containers = new ArrayList<>();
    for (String f : List.of("initContainers", "containers", "ephemeralContainers")) {
      spec.path(f).forEach(containers::add);
    }
    List<String> out = new ArrayList<>();
    appArmor(meta, podSc, containers, out);
    hostNamespaces(spec, out);
    hostPorts(containers, out);
    List<String> privileged =
        names(containers, c -> c.path("securityContext").path("privileged").asBoolean(false));
    if (!privileged.isEmpty()) {
      out.add(
          "privileged (%s must not set securityContext.privileged=true)"
              .formatted(containersPhrase(privileged)));
    }
    procMount(containers, out);
    SecurityContextChecks.seLinuxOptions(podSc, containers, out);
    SecurityContextChecks.sysctls(podSc, minor, out);
    SecurityContextChecks.windowsHostProcess(podSc, containers, out);
    if (!restricted) {
      capabilities(false, containers, out);
      List<String> hostPaths = new ArrayList<>();
      for (JsonNode v : spec.path("volumes")) {
        if (v.has("hostPath")) {
          hostPaths.add(v.path("name").asText());
        }
      }
      if (!hostPaths.isEmpty()) {
        out.add("hostPath volumes (" + plural("volume", hostPaths) + ")");
      }
      seccomp(false, podSc, containers, out);
      return out;
    }
    List<String> escalating =
        names(
            containers,
            c ->
                !c.path("securityContext").path("allowPrivilegeEscalation").isBoolean()
                    || c.path("securityContext").path("allowPrivilegeEscalation").asBoolean());
    if (!escalating.isEmpty()) {
      out.add(
          "allowPrivilegeEscalation != false (%s must set securityContext.allowPrivilegeEscalation=false)"
              .formatted(containersPhrase(escalating)));
    }
    capabilities(true, containers, out);
    restrictedVolumes(spec, out);
    runAsNonRoot(podSc, containers, out);
    runAsUser(podSc, containers, out);
    seccomp(true, podSc, containers, out);
    return out;
  }

  private static void hostNamespaces(JsonNode spec, List<String> out) {
    List<String> host = new ArrayList<>();
    for (String ns : List.of("hostNetwork", "hostPID", "hostIPC")) {
      if (spec.path(ns).asBoolean(false)) {
        host.add(ns + "=true");
      }
    }
    if (!host.isEmpty()) {
      out.add("host namespaces (" + String.join(", ", host) + ")");
    }
  }

  private static void hostPorts(List<JsonNode> containers, List<String> out) {
    List<String> ports = new ArrayList<>();
    for (JsonNode c : containers) {
      for (JsonNode p : c.path("ports")) {
        if (p.path("hostPort").asInt(0) != 0) {
          ports.add(p.path("hostPort").asText());
        }
      }
    }
    if (!ports.isEmpty()) {
      List<String> names = names(containers, c -> hasHostPort(c));
      out.add(
          "hostPort (%s %s %s)"
              .formatted(
                  containersPhrase(names),
                  names.size() == 1 ? "uses" : "use",
                  (ports.size() == 1 ? "hostPort " : "hostPorts ") + String.join(", ", ports)));
    }
  }

  /**
   * Baseline's appArmorProfile: no profile type but RuntimeDefault or Localhost, in the security
   * contexts or in the deprecated {@code container.apparmor.security.beta.kubernetes.io/*}
   * annotations ({@code runtime/default}, {@code localhost/*}).
   */
  private static void appArmor(
      JsonNode meta, JsonNode podSc, List<JsonNode> containers, List<String> out) {
    Predicate<String> allowedType = t -> t.equals("RuntimeDefault") || t.equals("Localhost");
    List<String> setters = new ArrayList<>();
    Set<String> badValues = new java.util.TreeSet<>();
    if (podSc.path("appArmorProfile").isObject()) {
      String t = podSc.path("appArmorProfile").path("type").asText("");
      if (!allowedType.test(t)) {
        setters.add("pod");
        badValues.add(t);
      }
    }
    List<String> bad = new ArrayList<>();
    for (JsonNode c : containers) {
      JsonNode profile = c.path("securityContext").path("appArmorProfile");
      if (profile.isObject() && !allowedType.test(profile.path("type").asText(""))) {
        bad.add(c.path("name").asText());
        badValues.add(profile.path("type").asText(""));
      }
    }
    if (!bad.isEmpty()) {
      setters.add(containersPhrase(bad));
    }
    List<String> values = new ArrayList<>(badValues);
    List<String> annotations = new ArrayList<>();
    for (var e : meta.path("annotations").properties()) {
      String v = e.getValue().asText("");
      if (e.getKey().startsWith("container.apparmor.security.beta.kubernetes.io/")
          && !(v.isEmpty() || v.equals("runtime/default") || v.startsWith("localhost/"))) {
        annotations.add(e.getKey() + "=\"" + v + "\"");
      }
    }
    if (!annotations.isEmpty()) {
      java.util.Collections.sort(annotations);
      values.addAll(annotations);
      setters.add(annotations.size() == 1 ? "annotation" : "annotations");
    }
    if (!setters.isEmpty()) {
      out.add(
          "%s (%s must not set AppArmor profile type to %s)"
              .formatted(
                  values.size() == 1 ? "forbidden AppArmor profile" : "forbidden AppArmor profiles",
                  String.join(" and ", setters),
                  quoted(values)));
    }
  }

  /** Baseline's procMount: no container asks for another than the Default /proc mount. */
  private static void procMount(List<JsonNode> containers, List<String> out) {
    List<String> bad = new ArrayList<>();
    Set<String> types = new java.util.TreeSet<>();
    for (JsonNode c : containers) {
      JsonNode pm = c.path("securityContext").path("procMount");
      if (pm.isTextual() && !pm.asText().equals("Default")) {
        bad.add(c.path("name").asText());
        types.add(pm.asText());
      }
    }
    if (!bad.isEmpty()) {
      out.add(
          "procMount (%s must not set securityContext.procMount to %s)"
              .formatted(containersPhrase(bad), quoted(types)));
    }
  }

  private static boolean hasHostPort(JsonNode c) {
    for (JsonNode p : c.path("ports")) {
      if (p.path("hostPort").asInt(0) != 0) {
        return true;
      }
    }
    return false;
  }

  private static void capabilities(
      boolean restricted, List<JsonNode> containers, List<String> out) {
    List<String> details = new ArrayList<>();
    if (restricted) {
      List<String> noDrop =
          names(
              containers,
              c -> {
                for (JsonNode d : c.path("securityContext").path("capabilities").path("drop")) {
                  if (d.asText().equals("ALL")) {
                    return false;
                  }
                }
                return true;
              });
      if (!noDrop.isEmpty()) {
        details.add(
            "%s must set securityContext.capabilities.drop=[\"ALL\"]"
                .formatted(containersPhrase(noDrop)));
      }
    }
    for (JsonNode c : containers) {
      Set<String> bad = new LinkedHashSet<>();
      for (JsonNode a : c.path("securityContext").path("capabilities").path("add")) {
        String cap = a.asText();
        boolean allowed =
            restricted ? cap.equals("NET_BIND_SERVICE") : BASELINE_CAPABILITIES.contains(cap);
        if (!allowed) {
          bad.add(cap);
        }
      }
      if (!bad.isEmpty()) {
        details.add(
            "container \"%s\" must not include %s in securityContext.capabilities.add"
                .formatted(c.path("name").asText(), quoted(bad)));
      }
    }
    if (!details.isEmpty()) {
      out.add(
          (restricted ? "unrestricted capabilities" : "non-default capabilities")
              + " ("
              + String.join("; ", details)
              + ")");
    }
  }

  private static void restrictedVolumes(JsonNode spec, List<String> out) {
    List<String> names = new ArrayList<>();
    Set<String> types = new LinkedHashSet<>();
    for (JsonNode v : spec.path("volumes")) {
      for (var it = v.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!f.equals("name") && !RESTRICTED_VOLUMES.contains(f)) {
          names.add(v.path("name").asText());
          types.add(f);
        }
      }
    }
    if (!names.isEmpty()) {
      out.add(
          "restricted volume types (%s %s restricted volume %s %s)"
              .formatted(
                  plural("volume", names),
                  names.size() == 1 ? "uses" : "use",
                  types.size() == 1 ? "type" : "types",
                  quoted(types)));
    }
  }

  private static void runAsNonRoot(JsonNode podSc, List<JsonNode> containers, List<String> out) {
    JsonNode podLevel = podSc.path("runAsNonRoot");
    if (podLevel.isBoolean() && !podLevel.asBoolean()) {
      out.add("runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false)");
      return;
    }
    List<String> explicitFalse =
        names(
            containers,
            c ->
                c.path("securityContext").path("runAsNonRoot").isBoolean()
                    && !c.path("securityContext").path("runAsNonRoot").asBoolean());
    if (!explicitFalse.isEmpty()) {
      out.add(
          "runAsNonRoot != true (%s must not set securityContext.runAsNonRoot=false)"
              .formatted(containersPhrase(explicitFalse)));
      return;
    }
    if (podLevel.isBoolean()) {
      return;
    }
    List<String> unset =
        names(containers, c -> !c.path("securityContext").path("runAsNonRoot").isBoolean());
    if (!unset.isEmpty()) {
      out.add(
          "runAsNonRoot != true (pod or %s must set securityContext.runAsNonRoot=true)"
              .formatted(containersPhrase(unset)));
    }
  }

  private static void runAsUser(JsonNode podSc, List<JsonNode> containers, List<String> out) {
    List<String> details = new ArrayList<>();
    if (podSc.path("runAsUser").isNumber() && podSc.path("runAsUser").asLong() == 0) {
      details.add("pod must not set runAsUser=0");
    }
    List<String> root =
        names(
            containers,
            c ->
                c.path("securityContext").path("runAsUser").isNumber()
                    && c.path("securityContext").path("runAsUser").asLong() == 0);
    if (!root.isEmpty()) {
      details.add("%s must not set runAsUser=0".formatted(containersPhrase(root)));
    }
    if (!details.isEmpty()) {
      out.add("runAsUser=0 (" + String.join("; ", details) + ")");
    }
  }

  private static void seccomp(
      boolean restricted, JsonNode podSc, List<JsonNode> containers, List<String> out) {
    String podType = podSc.path("seccompProfile").path("type").asText("");
    if (!restricted) {
      List<String> details = new ArrayList<>();
      if (podType.equals("Unconfined")) {
        details.add("pod must not set securityContext.seccompProfile.type to \"Unconfined\"");
      }
      List<String> unconfined =
          names(
              containers,
              c ->
                  c.path("securityContext")
                      .path("seccompProfile")
                      .path("type")
                      .asText("")
                      .equals("Unconfined"));
      if (!unconfined.isEmpty()) {
        details.add(
            "%s must not set securityContext.seccompProfile.type to \"Unconfined\""
                .formatted(containersPhrase(unconfined)));
      }
      if (!details.isEmpty()) {
        out.add("seccompProfile (" + String.join("; ", details) + ")");
      }
      return;
    }
    Predicate<String> ok = t -> t.equals("RuntimeDefault") || t.equals("Localhost");
    if (!podType.isEmpty() && !ok.test(podType)) {
      out.add(
          "seccompProfile (pod must not set securityContext.seccompProfile.type to \"%s\")"
              .formatted(podType));
      return;
    }
    List<String> bad =
        names(
            containers,
            c -> {
              String t = c.path("securityContext").path("seccompProfile").path("type").asText("");
              return t.isEmpty() ? podType.isEmpty() : !ok.test(t);
            });
    if (!bad.isEmpty()) {
      out.add(
          "seccompProfile (pod or %s must set securityContext.seccompProfile.type to"
                  .formatted(containersPhrase(bad))
              + " \"RuntimeDefault\" or \"Localhost\")");
    }
  }

  static List<String> names(List<JsonNode> containers, Predicate<JsonNode> failing) {
    List<String> out = new ArrayList<>();
    for (JsonNode c : containers) {
      if (failing.test(c)) {
        out.add(c.path("name").asText());
      }
    }
    return out;
  }

  static String containersPhrase(List<String> names) {
    return plural("container", names);
  }

  static String plural(String noun, List<String> names) {
    return (names.size() == 1 ? noun : noun + "s") + " " + quoted(names);
  }

  static String quoted(java.util.Collection<String> values) {
    return values.stream().map(v -> "\"" + v + "\"").collect(Collectors.joining(", "));
  }
}
