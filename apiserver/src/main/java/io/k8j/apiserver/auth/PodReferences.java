package io.k8j.apiserver.auth;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The objects a pod names, as upstream's node graph collects them: secrets and config maps of
 * volumes (projected ones too), env, envFrom and image pull secrets; claims of volumes; its service
 * account.
 */
final class PodReferences {
  private PodReferences() {}

  static Set<String> of(JsonNode pod, String kind) {
    return switch (kind) {
      case "secrets" -> secrets(pod);
      case "configmaps" -> configMaps(pod);
      case "persistentvolumeclaims" -> claims(pod);
      case "serviceaccounts" ->
          Set.of(pod.path("spec").path("serviceAccountName").asText("default"));
      default -> Set.of();
    };
  }

  static Set<String> secrets(JsonNode pod) {
    Set<String> out = new LinkedHashSet<>();
    JsonNode spec = pod.path("spec");
    spec.path("imagePullSecrets").forEach(s -> add(out, s.path("name")));
    for (JsonNode v : spec.path("volumes")) {
      add(out, v.path("secret").path("secretName"));
      v.path("projected").path("sources").forEach(s -> add(out, s.path("secret").path("name")));
    }
    for (JsonNode c : containers(spec)) {
      c.path("env").forEach(e -> add(out, e.path("valueFrom").path("secretKeyRef").path("name")));
      c.path("envFrom").forEach(e -> add(out, e.path("secretRef").path("name")));
    }
    return out;
  }

  static Set<String> configMaps(JsonNode pod) {
    Set<String> out = new LinkedHashSet<>();
    JsonNode spec = pod.path("spec");
    for (JsonNode v : spec.path("volumes")) {
      add(out, v.path("configMap").path("name"));
      v.path("projected").path("sources").forEach(s -> add(out, s.path("configMap").path("name")));
    }
    for (JsonNode c : containers(spec)) {
      c.path("env")
          .forEach(e -> add(out, e.path("valueFrom").path("configMapKeyRef").path("name")));
      c.path("envFrom").forEach(e -> add(out, e.path("configMapRef").path("name")));
    }
    return out;
  }

  static Set<String> claims(JsonNode pod) {
    Set<String> out = new LinkedHashSet<>();
    String podName = pod.path("metadata").path("name").asText();
    for (JsonNode v : pod.path("spec").path("volumes")) {
      add(out, v.path("persistentVolumeClaim").path("claimName"));
      if (v.has("ephemeral")) {
        out.add(podName + "-" + v.path("name").asText());
      }
    }
    return out;
  }

  private static List<JsonNode> containers(JsonNode spec) {
    List<JsonNode> all = new java.util.ArrayList<>();
    for (String field : List.of("initContainers", "containers", "ephemeralContainers")) {
      spec.path(field).forEach(all::add);
    }
    return all;
  }

  private static void add(Set<String> out, JsonNode name) {
    if (name.isTextual() && !name.asText().isEmpty()) {
      out.add(name.asText());
    }
  }
}
