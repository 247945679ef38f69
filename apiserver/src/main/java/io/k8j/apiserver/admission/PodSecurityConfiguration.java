package io.k8j.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Upstream's {@code PodSecurityConfiguration} ({@code pod-security.admission.config.k8s.io/v1}):
 * the levels and versions of namespaces without labels ({@code defaults}: {@code enforce}, {@code
 * enforce-version}, {@code audit}, ..., each {@code privileged} / {@code latest} unless set) and
 * the requests never checked ({@code exemptions}: {@code usernames}, {@code runtimeClasses}, {@code
 * namespaces}). It is read from the PodSecurity entry of an {@code AdmissionConfiguration} file
 * ({@code --admission-control-config-file}), embedded as {@code configuration} or in the file its
 * {@code path} names, or from a file that holds the PodSecurityConfiguration itself.
 */
public record PodSecurityConfiguration(
    Map<String, String> defaults,
    Set<String> exemptUsernames,
    Set<String> exemptRuntimeClasses,
    Set<String> exemptNamespaces) {

  /** Upstream's defaults: everything privileged, nothing exempt. */
  public static final PodSecurityConfiguration DEFAULT =
      new PodSecurityConfiguration(Map.of(), Set.of(), Set.of(), Set.of());

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  public PodSecurityConfiguration {
    defaults = Map.copyOf(defaults);
    exemptUsernames = Set.copyOf(exemptUsernames);
    exemptRuntimeClasses = Set.copyOf(exemptRuntimeClasses);
    exemptNamespaces = Set.copyOf(exemptNamespaces);
  }

  /** The default of {@code key} ({@code enforce}, {@code warn-version}, ...). */
  String defaultFor(String key) {
    return defaults.getOrDefault(key, key.endsWith("-version") ? "latest" : "privileged");
  }

  /**
   * The PodSecurity configuration of an AdmissionConfiguration file (or of a
   * PodSecurityConfiguration file); {@link #DEFAULT} when the file configures other plugins only.
   */
  public static PodSecurityConfiguration read(Path file) throws IOException {
    JsonNode doc = YAML.readTree(Files.readString(file));
    if (doc == null || !doc.isObject()) {
      throw new IllegalArgumentException(file + ": not an AdmissionConfiguration");
    }
    if (doc.path("kind").asText().equals("PodSecurityConfiguration")) {
      return parse(file, doc);
    }
    if (!doc.path("kind").asText().equals("AdmissionConfiguration")) {
      throw new IllegalArgumentException(
          file + ": kind must be AdmissionConfiguration, not " + doc.path("kind").asText("none"));
    }
    for (JsonNode plugin : doc.path("plugins")) {
      if (!plugin.path("name").asText().equals("PodSecurity")) {
        continue;
      }
      if (plugin.path("configuration").isObject()) {
        return parse(file, plugin.path("configuration"));
      }
      if (plugin.hasNonNull("path")) {
        Path p = file.resolveSibling(plugin.path("path").asText());
        return parse(p, YAML.readTree(Files.readString(p)));
      }
    }
    return DEFAULT;
  }

  private static PodSecurityConfiguration parse(Path file, JsonNode config) {
    if (!config.path("kind").asText().equals("PodSecurityConfiguration")) {
      throw new IllegalArgumentException(file + ": PodSecurity needs a PodSecurityConfiguration");
    }
    Map<String, String> defaults = new TreeMap<>();
    for (var e : config.path("defaults").properties()) {
      String key = e.getKey();
      String value = e.getValue().asText();
      boolean version = key.endsWith("-version");
      String mode = version ? key.substring(0, key.length() - "-version".length()) : key;
      if (!List.of("enforce", "audit", "warn").contains(mode)) {
        throw new IllegalArgumentException(file + ": defaults." + key + ": unknown field");
      }
      if (version ? PodSecurity.minor(value) < 0 : !PodSecurity.isLevel(value)) {
        throw new IllegalArgumentException(
            file + ": defaults." + key + ": Invalid value: \"" + value + "\"");
      }
      defaults.put(key, value);
    }
    JsonNode ex = config.path("exemptions");
    return new PodSecurityConfiguration(
        defaults,
        Set.copyOf(strings(ex.path("usernames"))),
        Set.copyOf(strings(ex.path("runtimeClasses"))),
        Set.copyOf(strings(ex.path("namespaces"))));
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
