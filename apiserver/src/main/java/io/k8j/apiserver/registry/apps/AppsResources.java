package io.k8j.apiserver.registry.apps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.registry.Cells;
import io.k8j.apiserver.registry.Column;
import io.k8j.apiserver.registry.ResourceDef;
import io.k8j.apiserver.registry.Strategy;
import io.k8j.apiserver.registry.Subresource;
import java.util.List;

/** The apps/v1 resources with upstream's defaults and Table columns. */
public final class AppsResources {
  private AppsResources() {}

  public static List<ResourceDef> definitions() {
    return List.of(
        deployments(), replicaSets(), statefulSets(), daemonSets(), controllerRevisions());
  }

  private static Column containers() {
    return Column.wide(
        "Containers", o -> Cells.containers(o.path("spec").path("template").path("spec"), "name"));
  }

  private static Column images() {
    return Column.wide(
        "Images", o -> Cells.containers(o.path("spec").path("template").path("spec"), "image"));
  }

  private static Column selector() {
    return Column.wide("Selector", o -> Cells.labelSelector(o.path("spec").path("selector")));
  }

  private static long status(ObjectNode o, String field) {
    return o.path("status").path(field).asLong(0);
  }

  static ResourceDef deployments() {
    return ResourceDef.builder("apps", "v1", "Deployment", "deployments")
        .shortNames("deploy")
        .categories("all")
        .withStatus()
        .subresource(Subresource.scale())
        .column(
            Column.string(
                "Ready",
                o -> status(o, "readyReplicas") + "/" + o.path("spec").path("replicas").asLong(1)))
        .column(Column.integer("Up-to-date", o -> status(o, "updatedReplicas")))
        .column(Column.integer("Available", o -> status(o, "availableReplicas")))
        .ageColumn()
        .column(containers())
        .column(images())
        .column(selector())
        .strategy(
            new WorkloadStrategy(
                true,
                spec -> {
                  ObjectNode strategy = Json.child(spec, "strategy");
                  if (strategy.path("type").asText("").isEmpty()) {
                    strategy.put("type", "RollingUpdate");
                  }
                  if (strategy.path("type").asText().equals("RollingUpdate")) {
                    ObjectNode ru = Json.child(strategy, "rollingUpdate");
                    if (!ru.has("maxUnavailable")) {
                      ru.put("maxUnavailable", "25%");
                    }
                    if (!ru.has("maxSurge")) {
                      ru.put("maxSurge", "25%");
                    }
                  }
                  putIfAbsent(spec, "revisionHistoryLimit", 10);
                  putIfAbsent(spec, "progressDeadlineSeconds", 600);
                }))
        .model(Deployment.class)
        .build();
  }

  static ResourceDef replicaSets() {
    return ResourceDef.builder("apps", "v1", "ReplicaSet", "replicasets")
        .shortNames("rs")
        .categories("all")
        .withStatus()
        .subresource(Subresource.scale())
        .column(Column.integer("Desired", o -> o.path("spec").path("replicas").asLong(1)))
        .column(Column.integer("Current", o -> status(o, "replicas")))
        .column(Column.integer("Ready", o -> status(o, "readyReplicas")))
        .ageColumn()
        .column(containers())
        .column(images())
        .column(selector())
        .strategy(new WorkloadStrategy(true, spec -> {}))
        .model(ReplicaSet.class)
        .build();
  }

  static ResourceDef statefulSets() {
    return ResourceDef.builder("apps", "v1", "StatefulSet", "statefulsets")
        .shortNames("sts")
        .categories("all")
        .withStatus()
        .subresource(Subresource.scale())
        .column(
            Column.string(
                "Ready",
                o -> status(o, "readyReplicas") + "/" + o.path("spec").path("replicas").asLong(1)))
        .ageColumn()
        .column(containers())
        .column(images())
        .strategy(
            new WorkloadStrategy(
                    true,
                    spec -> {
                      if (spec.path("podManagementPolicy").asText("").isEmpty()) {
                        spec.put("podManagementPolicy", "OrderedReady");
                      }
                      ObjectNode us = Json.child(spec, "updateStrategy");
                      if (us.path("type").asText("").isEmpty()) {
                        us.put("type", "RollingUpdate");
                      }
                      if (us.path("type").asText().equals("RollingUpdate")
                          && !us.has("rollingUpdate")) {
                        us.putObject("rollingUpdate").put("partition", 0);
                      }
                      putIfAbsent(spec, "revisionHistoryLimit", 10);
                      ObjectNode retention =
                          Json.child(spec, "persistentVolumeClaimRetentionPolicy");
                      if (!retention.has("whenDeleted")) {
                        retention.put("whenDeleted", "Retain");
                      }
                      if (!retention.has("whenScaled")) {
                        retention.put("whenScaled", "Retain");
                      }
                      claimTemplates(spec);
                    })
                .onlyMutable(
                    "updates to statefulset spec for fields other than 'replicas', 'ordinals',"
                        + " 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and"
                        + " 'minReadySeconds' are forbidden",
                    "replicas",
                    "ordinals",
                    "template",
                    "updateStrategy",
                    "persistentVolumeClaimRetentionPolicy",
                    "minReadySeconds"))
        .model(StatefulSet.class)
        .build();
  }

  /**
   * A StatefulSet's claim templates as upstream serves them: each a PersistentVolumeClaim of v1,
   * with a claim's defaults (a Filesystem volume, a Pending status).
   */
  static void claimTemplates(ObjectNode spec) {
    for (JsonNode t : spec.path("volumeClaimTemplates")) {
      if (t instanceof ObjectNode claim) {
        claim.put("apiVersion", "v1").put("kind", "PersistentVolumeClaim");
        if (!Json.child(claim, "spec").has("volumeMode")) {
          Json.child(claim, "spec").put("volumeMode", "Filesystem");
        }
        if (!Json.child(claim, "status").has("phase")) {
          Json.child(claim, "status").put("phase", "Pending");
        }
      }
    }
  }

  static ResourceDef daemonSets() {
    return ResourceDef.builder("apps", "v1", "DaemonSet", "daemonsets")
        .shortNames("ds")
        .categories("all")
        .withStatus()
        .column(Column.integer("Desired", o -> status(o, "desiredNumberScheduled")))
        .column(Column.integer("Current", o -> status(o, "currentNumberScheduled")))
        .column(Column.integer("Ready", o -> status(o, "numberReady")))
        .column(Column.integer("Up-to-date", o -> status(o, "updatedNumberScheduled")))
        .column(Column.integer("Available", o -> status(o, "numberAvailable")))
        .column(
            Column.string(
                "Node Selector",
                o ->
                    Cells.selector(
                        o.path("spec").path("template").path("spec").path("nodeSelector"))))
        .ageColumn()
        .column(containers())
        .column(images())
        .column(selector())
        .strategy(
            new WorkloadStrategy(
                false,
                spec -> {
                  ObjectNode us = Json.child(spec, "updateStrategy");
                  if (us.path("type").asText("").isEmpty()) {
                    us.put("type", "RollingUpdate");
                  }
                  if (us.path("type").asText().equals("RollingUpdate")) {
                    ObjectNode ru = Json.child(us, "rollingUpdate");
                    if (!ru.has("maxUnavailable")) {
                      ru.put("maxUnavailable", 1);
                    }
                    if (!ru.has("maxSurge")) {
                      ru.put("maxSurge", 0);
                    }
                  }
                  putIfAbsent(spec, "revisionHistoryLimit", 10);
                }))
        .model(DaemonSet.class)
        .build();
  }

  static ResourceDef controllerRevisions() {
    return ResourceDef.builder("apps", "v1", "ControllerRevision", "controllerrevisions")
        .column(Column.string("Controller", AppsResources::controller))
        .column(Column.integer("Revision", o -> o.path("revision").asLong(0)))
        .strategy(
            new Strategy() {
              @Override
              public boolean tracksGeneration() {
                return false;
              }
            })
        .model(ControllerRevision.class)
        .build();
  }

  private static String controller(ObjectNode o) {
    for (JsonNode ref : o.path("metadata").path("ownerReferences")) {
      if (ref.path("controller").asBoolean(false)) {
        String group = ref.path("apiVersion").asText("");
        group = group.contains("/") ? "." + group.substring(0, group.indexOf('/')) : "";
        return ref.path("kind").asText().toLowerCase() + group + "/" + ref.path("name").asText();
      }
    }
    return "<none>";
  }

  static void putIfAbsent(ObjectNode o, String field, int value) {
    if (!o.has(field)) {
      o.put(field, value);
    }
  }
}
