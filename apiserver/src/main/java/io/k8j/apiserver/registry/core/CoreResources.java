package io.k8j.apiserver.registry.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.registry.Ages;
import io.k8j.apiserver.registry.Cells;
import io.k8j.apiserver.registry.Column;
import io.k8j.apiserver.registry.ResourceDef;
import io.k8j.apiserver.registry.Strategy;
import io.k8j.apiserver.registry.Subresource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The core (v1) group's resources, in discovery order. */
public final class CoreResources {
  private CoreResources() {}

  public static List<ResourceDef> definitions(ServiceAllocator allocator) {
    return List.of(
        Namespaces.definition(),
        Pods.definition(),
        Services.definition(allocator),
        endpoints(),
        ConfigData.configMaps(),
        ConfigData.secrets(),
        Nodes.definition(),
        events(),
        serviceAccounts(),
        persistentVolumes(),
        persistentVolumeClaims(),
        limitRanges(),
        resourceQuotas(),
        replicationControllers());
  }

  private static final Strategy NO_GENERATION =
      new Strategy() {
        @Override
        public boolean tracksGeneration() {
          return false;
        }
      };

  static ResourceDef events() {
    return ResourceDef.builder("", "v1", "Event", "events")
        .shortNames("ev")
        .exactColumns(
            Column.string("Last Seen", CoreResources::lastSeen),
            Column.string("Type", o -> o.path("type").asText("")),
            Column.string("Reason", o -> o.path("reason").asText("")),
            Column.string(
                "Object",
                o ->
                    o.path("involvedObject").path("kind").asText("").toLowerCase()
                        + "/"
                        + o.path("involvedObject").path("name").asText("")),
            Column.wide("Subobject", o -> o.path("involvedObject").path("fieldPath").asText("")),
            Column.wide("Source", o -> source(o)),
            Column.string("Message", o -> o.path("message").asText("").trim()),
            Column.wide(
                "First Seen",
                o -> Ages.since(o.path("firstTimestamp").asText(o.path("eventTime").asText("")))),
            Column.wide("Count", o -> Long.toString(o.path("count").asLong(1))),
            Column.wide("Name", o -> o.path("metadata").path("name").asText()))
        .field("involvedObject.kind", o -> Json.text(o, "involvedObject.kind"))
        .field("involvedObject.namespace", o -> Json.text(o, "involvedObject.namespace"))
        .field("involvedObject.name", o -> Json.text(o, "involvedObject.name"))
        .field("involvedObject.uid", o -> Json.text(o, "involvedObject.uid"))
        .field("involvedObject.apiVersion", o -> Json.text(o, "involvedObject.apiVersion"))
        .field(
            "involvedObject.resourceVersion", o -> Json.text(o, "involvedObject.resourceVersion"))
        .field("involvedObject.fieldPath", o -> Json.text(o, "involvedObject.fieldPath"))
        .field("reason", o -> Json.text(o, "reason"))
        .field("reportingComponent", o -> Json.text(o, "reportingComponent"))
        .field("source", o -> Json.text(o, "source.component"))
        .field("type", o -> Json.text(o, "type"))
        .strategy(NO_GENERATION)
        .ttl(java.time.Duration.ofHours(1))
        .model(Event.class)
        .allowCreateOnUpdate()
        .build();
  }

  private static String lastSeen(ObjectNode ev) {
    String t = ev.path("series").path("lastObservedTime").asText("");
    if (t.isEmpty()) {
      t = ev.path("lastTimestamp").asText("");
    }
    if (t.isEmpty()) {
      t = ev.path("eventTime").asText("");
    }
    if (t.isEmpty()) {
      t = ev.path("metadata").path("creationTimestamp").asText("");
    }
    return Ages.since(t.replaceAll("\\.\\d+Z$", "Z"));
  }

  private static String source(ObjectNode ev) {
    String c = ev.path("source").path("component").asText(ev.path("reportingComponent").asText(""));
    String h = ev.path("source").path("host").asText("");
    return h.isEmpty() ? c : c + ", " + h;
  }

  static ResourceDef endpoints() {
    return ResourceDef.builder("", "v1", "Endpoints", "endpoints")
        .shortNames("ep")
        .storage("services/endpoints")
        .column(Column.string("Endpoints", CoreResources::endpointList))
        .strategy(NO_GENERATION)
        .model(Endpoints.class)
        .allowCreateOnUpdate()
        .build();
  }

  private static String endpointList(ObjectNode ep) {
    List<String> out = new ArrayList<>();
    int total = 0;
    for (JsonNode subset : ep.path("subsets")) {
      for (JsonNode addr : subset.path("addresses")) {
        for (JsonNode port :
            subset.path("ports").isEmpty()
                ? List.<JsonNode>of(Json.object())
                : iter(subset.path("ports"))) {
          total++;
          if (out.size() < 3) {
            String ip = addr.path("ip").asText();
            out.add(port.has("port") ? ip + ":" + port.path("port").asInt() : ip);
          }
        }
      }
    }
    if (out.isEmpty()) {
      return "<none>";
    }
    return total > 3
        ? String.join(",", out) + " + " + (total - 3) + " more..."
        : String.join(",", out);
  }

  private static List<JsonNode> iter(JsonNode n) {
    List<JsonNode> l = new ArrayList<>();
    n.forEach(l::add);
    return l;
  }

  static ResourceDef serviceAccounts() {
    return ResourceDef.builder("", "v1", "ServiceAccount", "serviceaccounts")
        .shortNames("sa")
        .subresource(
            new Subresource(
                "token", "authentication.k8s.io", "v1", "TokenRequest", List.of("create")))
        .column(Column.integer("Secrets", o -> o.path("secrets").size()))
        .strategy(NO_GENERATION)
        .model(ServiceAccount.class)
        .build();
  }

  static ResourceDef persistentVolumes() {
    return ResourceDef.builder("", "v1", "PersistentVolume", "persistentvolumes")
        .clusterScoped()
        .shortNames("pv")
        .withStatus()
        .column(
            Column.string(
                "Capacity", o -> o.path("spec").path("capacity").path("storage").asText("")))
        .column(Column.string("Access Modes", o -> accessModes(o.path("spec").path("accessModes"))))
        .column(
            Column.string(
                "Reclaim Policy",
                o -> o.path("spec").path("persistentVolumeReclaimPolicy").asText("")))
        .column(Column.string("Status", o -> o.path("status").path("phase").asText("")))
        .column(Column.string("Claim", o -> claim(o.path("spec").path("claimRef"))))
        .column(
            Column.string("StorageClass", o -> o.path("spec").path("storageClassName").asText("")))
        .column(
            Column.string(
                "VolumeAttributesClass",
                o -> Cells.textOrNone(o, "spec.volumeAttributesClassName")))
        .column(Column.string("Reason", o -> o.path("status").path("reason").asText("")))
        .strategy(new PersistentVolumes.PvStrategy())
        .model(PersistentVolume.class)
        .build();
  }

  static ResourceDef persistentVolumeClaims() {
    return ResourceDef.builder("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims")
        .shortNames("pvc")
        .withStatus()
        .column(Column.string("Status", o -> o.path("status").path("phase").asText("")))
        .column(Column.string("Volume", o -> o.path("spec").path("volumeName").asText("")))
        .column(
            Column.string(
                "Capacity", o -> o.path("status").path("capacity").path("storage").asText("")))
        .column(
            Column.string("Access Modes", o -> accessModes(o.path("status").path("accessModes"))))
        .column(
            Column.string("StorageClass", o -> o.path("spec").path("storageClassName").asText("")))
        .column(
            Column.string(
                "VolumeAttributesClass",
                o -> Cells.textOrNone(o, "spec.volumeAttributesClassName")))
        .ageColumn()
        .column(Column.wide("VolumeMode", o -> o.path("spec").path("volumeMode").asText("")))
        .strategy(new PersistentVolumes.PvcStrategy())
        .model(PersistentVolumeClaim.class)
        .build();
  }

  private static String accessModes(JsonNode modes) {
    List<String> out = new ArrayList<>();
    for (JsonNode m : modes) {
      out.add(
          switch (m.asText()) {
            case "ReadWriteOnce" -> "RWO";
            case "ReadOnlyMany" -> "ROX";
            case "ReadWriteMany" -> "RWX";
            case "ReadWriteOncePod" -> "RWOP";
            default -> m.asText();
          });
    }
    return String.join(",", out);
  }

  private static String claim(JsonNode ref) {
    return ref.isObject() ? ref.path("namespace").asText() + "/" + ref.path("name").asText() : "";
  }

  static ResourceDef limitRanges() {
    return ResourceDef.builder("", "v1", "LimitRange", "limitranges")
        .shortNames("limits")
        .exactColumns(
            Column.nameColumn(),
            new Column(
                "Created At",
                "date",
                "",
                "Created At",
                0,
                o -> o.path("metadata").path("creationTimestamp").asText("")))
        .strategy(NO_GENERATION)
        .model(LimitRange.class)
        .build();
  }

  static ResourceDef resourceQuotas() {
    return ResourceDef.builder("", "v1", "ResourceQuota", "resourcequotas")
        .shortNames("quota")
        .withStatus()
        .ageColumn()
        .column(Column.string("Request", o -> quota(o, false)))
        .column(Column.string("Limit", o -> quota(o, true)))
        .strategy(NO_GENERATION)
        .model(ResourceQuota.class)
        .build();
  }

  private static String quota(ObjectNode q, boolean limits) {
    List<String> out = new ArrayList<>();
    JsonNode hard = q.path("status").path("hard");
    JsonNode used = q.path("status").path("used");
    for (Map.Entry<String, JsonNode> e : hard.properties()) {
      boolean isLimit = e.getKey().startsWith("limits.");
      if (isLimit == limits) {
        out.add(
            e.getKey() + ": " + used.path(e.getKey()).asText("0") + "/" + e.getValue().asText());
      }
    }
    return String.join(", ", out);
  }

  static ResourceDef replicationControllers() {
    return ResourceDef.builder("", "v1", "ReplicationController", "replicationcontrollers")
        .shortNames("rc")
        .categories("all")
        .withStatus()
        .subresource(Subresource.scale())
        .column(Column.integer("Desired", o -> o.path("spec").path("replicas").asLong(1)))
        .column(Column.integer("Current", o -> o.path("status").path("replicas").asLong(0)))
        .column(Column.integer("Ready", o -> o.path("status").path("readyReplicas").asLong(0)))
        .ageColumn()
        .column(
            Column.wide(
                "Containers",
                o -> Cells.containers(o.path("spec").path("template").path("spec"), "name")))
        .column(
            Column.wide(
                "Images",
                o -> Cells.containers(o.path("spec").path("template").path("spec"), "image")))
        .column(Column.wide("Selector", o -> Cells.selector(o.path("spec").path("selector"))))
        .strategy(
            new Strategy() {
              @Override
              public void prepareForCreate(ObjectNode obj) {
                obj.remove("status");
              }

              @Override
              public void applyDefaults(ObjectNode obj) {
                ObjectNode spec = Json.child(obj, "spec");
                if (!spec.has("replicas")) {
                  spec.put("replicas", 1);
                }
                JsonNode tplLabels = spec.path("template").path("metadata").path("labels");
                if (!spec.has("selector") && tplLabels.isObject()) {
                  spec.set("selector", tplLabels.deepCopy());
                }
                if (spec.path("template").path("spec") instanceof ObjectNode ps) {
                  PodDefaults.apply(ps);
                }
              }
            })
        .model(ReplicationController.class)
        .build();
  }
}
