package io.k8j.apiserver.admission;

import static io.k8j.apiserver.admission.PodSecurityChecks.containersPhrase;
import static io.k8j.apiserver.admission.PodSecurityChecks.quoted;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Baseline's security-context checks beside {@link PodSecurityChecks}: SELinux options, sysctls
 * outside the safe set of the policy version, and Windows host processes; each adds upstream's
 * {@code reason (detail)} when a pod fails it.
 */
final class SecurityContextChecks {
  private static final Set<String> SELINUX_TYPES =
      Set.of("", "container_t", "container_init_t", "container_kvm_t");

  /** The safe sysctls, by the policy version that allowed them first. */
  private static final List<Safe> SAFE_SYSCTLS =
      List.of(
          new Safe(
              0,
              Set.of(
                  "kernel.shm_rmid_forced",
                  "net.ipv4.ip_local_port_range",
                  "net.ipv4.tcp_syncookies",
                  "net.ipv4.ping_group_range",
                  "net.ipv4.ip_unprivileged_port_start")),
          new Safe(27, Set.of("net.ipv4.ip_local_reserved_ports")),
          new Safe(
              29,
              Set.of(
                  "net.ipv4.tcp_keepalive_time",
                  "net.ipv4.tcp_fin_timeout",
                  "net.ipv4.tcp_keepalive_intvl",
                  "net.ipv4.tcp_keepalive_probes")),
          new Safe(32, Set.of("net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem")));

  /** Sysctls safe from policy version {@code v1.<sinceMinor>} on. */
  private record Safe(int sinceMinor, Set<String> names) {}

  private SecurityContextChecks() {}

  /** seLinuxOptions: only the container types, and neither user nor role. */
  static void seLinuxOptions(JsonNode podSc, List<JsonNode> containers, List<String> out) {
    Set<String> badTypes = new TreeSet<>();
    boolean[] userRole = new boolean[2];
    List<String> setters = new ArrayList<>();
    if (podSc.path("seLinuxOptions").isObject()
        && !validSeLinux(podSc.path("seLinuxOptions"), badTypes, userRole)) {
      setters.add("pod");
    }
    List<String> bad = new ArrayList<>();
    for (JsonNode c : containers) {
      JsonNode opts = c.path("securityContext").path("seLinuxOptions");
      if (opts.isObject() && !validSeLinux(opts, badTypes, userRole)) {
        bad.add(c.path("name").asText());
      }
    }
    if (!bad.isEmpty()) {
      setters.add(containersPhrase(bad));
    }
    if (setters.isEmpty()) {
      return;
    }
    // as upstream: user and role are named only beside a bad type
    List<String> data = new ArrayList<>();
    if (!badTypes.isEmpty()) {
      data.add((badTypes.size() == 1 ? "type " : "types ") + quoted(badTypes));
      if (userRole[0]) {
        data.add("user may not be set");
      }
      if (userRole[1]) {
        data.add("role may not be set");
      }
    }
    out.add(
        "seLinuxOptions (%s set forbidden securityContext.seLinuxOptions: %s)"
            .formatted(String.join(" and ", setters), String.join("; ", data)));
  }

  private static boolean validSeLinux(JsonNode opts, Set<String> badTypes, boolean[] userRole) {
    boolean valid = true;
    String type = opts.path("type").asText("");
    if (!SELINUX_TYPES.contains(type)) {
      badTypes.add(type);
      valid = false;
    }
    if (!opts.path("user").asText("").isEmpty()) {
      userRole[0] = true;
      valid = false;
    }
    if (!opts.path("role").asText("").isEmpty()) {
      userRole[1] = true;
      valid = false;
    }
    return valid;
  }

  /** sysctls: only the safe ones of policy version {@code v1.<minor>}. */
  static void sysctls(JsonNode podSc, int minor, List<String> out) {
    List<String> forbidden = new ArrayList<>();
    for (JsonNode s : podSc.path("sysctls")) {
      String name = s.path("name").asText();
      boolean safe = false;
      for (Safe since : SAFE_SYSCTLS) {
        safe |= minor >= since.sinceMinor() && since.names().contains(name);
      }
      if (!safe) {
        forbidden.add(name);
      }
    }
    if (!forbidden.isEmpty()) {
      out.add("forbidden sysctls (" + String.join(", ", forbidden) + ")");
    }
  }

  /** windowsHostProcess: neither the pod nor a container runs as a Windows host process. */
  static void windowsHostProcess(JsonNode podSc, List<JsonNode> containers, List<String> out) {
    List<String> setters = new ArrayList<>();
    if (podSc.path("windowsOptions").path("hostProcess").asBoolean(false)) {
      setters.add("pod");
    }
    List<String> bad =
        PodSecurityChecks.names(
            containers,
            c -> c.path("securityContext").path("windowsOptions").path("hostProcess").asBoolean());
    if (!bad.isEmpty()) {
      setters.add(containersPhrase(bad));
    }
    if (!setters.isEmpty()) {
      out.add(
          "hostProcess (%s must not set securityContext.windowsOptions.hostProcess=true)"
              .formatted(String.join(" and ", setters)));
    }
  }
}
