package io.k8j.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import io.k8j.apiserver.registry.ResourceDef;

/**
 * Where a pod spec sits in the objects PodSecurity looks at, as upstream's {@code
 * PodSpecExtractor}: a Pod itself, a PodTemplate's {@code template}, the {@code spec.template} of
 * ReplicationControllers, Deployments, ReplicaSets, StatefulSets, DaemonSets and Jobs, and a
 * CronJob's {@code spec.jobTemplate.spec.template}.
 */
final class PodTemplates {
  private PodTemplates() {}

  /** The pod (metadata and spec) of {@code obj}, or null for other resources or no object. */
  static JsonNode of(ResourceDef def, JsonNode obj) {
    if (obj == null) {
      return null;
    }
    String gr = def.group() + "/" + def.plural();
    return switch (gr) {
      case "/pods" -> obj;
      case "/podtemplates" -> obj.path("template");
      case "/replicationcontrollers",
          "apps/deployments",
          "apps/replicasets",
          "apps/statefulsets",
          "apps/daemonsets",
          "batch/jobs" ->
          obj.path("spec").path("template");
      case "batch/cronjobs" -> obj.path("spec").path("jobTemplate").path("spec").path("template");
      default -> null;
    };
  }
}
