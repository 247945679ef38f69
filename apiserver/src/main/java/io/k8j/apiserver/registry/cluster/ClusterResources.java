package io.k8j.apiserver.registry.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.k8j.apiserver.registry.Cells;
import io.k8j.apiserver.registry.Column;
import io.k8j.apiserver.registry.ResourceDef;
import io.k8j.apiserver.registry.Strategy;
import io.k8j.apiserver.registry.validation.FieldError;
import java.util.ArrayList;
import java.util.List;

/** Leases, EndpointSlices, events.k8s.io Events, PodDisruptionBudgets and StorageClasses. */
public final class ClusterResources {
  private static final Strategy NO_GENERATION =
      new Strategy() {
        @Override
        public boolean tracksGeneration() {
          return false;
        }
      };

  private ClusterResources() {}

  public static List<ResourceDef> definitions() {
    return List.of(
        leases(),
        endpointSlices(),
        EventsV1.definition(),
        podDisruptionBudgets(),
        storageClasses());
  }

  static ResourceDef leases() {
    return ResourceDef.builder("coordination.k8s.io", "v1", "Lease", "leases")
        .column(Column.string("Holder", o -> o.path("spec").path("holderIdentity").asText("")))
        .strategy(NO_GENERATION)
        .model(Lease.class)
        .build();
  }

  static ResourceDef endpointSlices() {
    return ResourceDef.builder("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices")
        .column(Column.string("AddressType", o -> o.path("addressType").asText("")))
        .column(Column.string("Ports", ClusterResources::slicePorts))
        .column(Column.string("Endpoints", ClusterResources::sliceEndpoints))
        .strategy(
            new Strategy() {
              @Override
              public boolean tracksGeneration() {
                return false;
              }

              @Override
              public List<FieldError> validate(ObjectNode obj) {
                List<FieldError> errs = new ArrayList<>();
                List<String> types = List.of("IPv4", "IPv6", "FQDN");
                String t = obj.path("addressType").asText("");
                if (t.isEmpty()) {
                  errs.add(FieldError.required("addressType", ""));
                } else if (!types.contains(t)) {
                  errs.add(FieldError.notSupported("addressType", t, types));
                }
                return errs;
              }
            })
        .model(EndpointSlice.class)
        .allowCreateOnUpdate()
        .build();
  }

  private static String slicePorts(ObjectNode o) {
    List<String> out = new ArrayList<>();
    for (JsonNode p : o.path("ports")) {
      out.add(p.path("port").isNumber() ? p.path("port").asText() : "<unset>");
    }
    return out.isEmpty() ? "<unset>" : String.join(",", out);
  }

  private static String sliceEndpoints(ObjectNode o) {
    List<String> out = new ArrayList<>();
    int total = 0;
    for (JsonNode e : o.path("endpoints")) {
      for (JsonNode a : e.path("addresses")) {
        total++;
        if (out.size() < 3) {
          out.add(a.asText());
        }
      }
    }
    if (out.isEmpty()) {
      return "<unset>";
    }
    return total > 3
        ? String.join(",", out) + " + " + (total - 3) + " more..."
        : String.join(",", out);
  }

  static ResourceDef podDisruptionBudgets() {
    return ResourceDef.builder("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets")
        .shortNames("pdb")
        .withStatus()
        .column(
            Column.string(
                "Min Available",
                o -> Cells.textOrNone(o, "spec.minAvailable").replace("<none>", "N/A")))
        .column(
            Column.string(
                "Max Unavailable",
                o -> Cells.textOrNone(o, "spec.maxUnavailable").replace("<none>", "N/A")))
        .column(
            Column.integer(
                "Allowed Disruptions", o -> o.path("status").path("disruptionsAllowed").asLong(0)))
        .strategy(
            new Strategy() {
              @Override
              public void prepareForCreate(ObjectNode obj) {
                obj.remove("status");
              }

              @Override
              public List<FieldError> validate(ObjectNode obj) {
                JsonNode spec = obj.path("spec");
                if (spec.has("minAvailable") && spec.has("maxUnavailable")) {
                  return List.of(
                      FieldError.invalid(
                          "spec",
                          new FieldError.Raw(spec.toString()),
                          "minAvailable and maxUnavailable cannot be both set"));
                }
                return List.of();
              }
            })
        .model(PodDisruptionBudget.class)
        .build();
  }

  static ResourceDef storageClasses() {
    return ResourceDef.builder("storage.k8s.io", "v1", "StorageClass", "storageclasses")
        .clusterScoped()
        .shortNames("sc")
        .exactColumns(
            new Column(
                "Name",
                "string",
                "name",
                "Name",
                0,
                o -> {
                  String n = o.path("metadata").path("name").asText();
                  String def =
                      o.path("metadata")
                          .path("annotations")
                          .path("storageclass.kubernetes.io/is-default-class")
                          .asText("");
                  return def.equals("true") ? n + " (default)" : n;
                }),
            Column.string("Provisioner", o -> o.path("provisioner").asText("")),
            Column.string("ReclaimPolicy", o -> o.path("reclaimPolicy").asText("")),
            Column.string("VolumeBindingMode", o -> o.path("volumeBindingMode").asText("")),
            Column.string(
                "AllowVolumeExpansion",
                o -> Boolean.toString(o.path("allowVolumeExpansion").asBoolean(false))),
            Column.age())
        .strategy(
            new Strategy() {
              @Override
              public boolean tracksGeneration() {
                return false;
              }

              @Override
              public void applyDefaults(ObjectNode obj) {
                if (!obj.has("reclaimPolicy")) {
                  obj.put("reclaimPolicy", "Delete");
                }
                if (!obj.has("volumeBindingMode")) {
                  obj.put("volumeBindingMode", "Immediate");
                }
              }

              @Override
              public List<FieldError> validate(ObjectNode obj) {
                return obj.path("provisioner").asText("").isEmpty()
                    ? List.of(FieldError.required("provisioner", ""))
                    : List.of();
              }

              @Override
              public List<FieldError> validateUpdate(ObjectNode obj, ObjectNode old) {
                List<FieldError> errs = new ArrayList<>(validate(obj));
                for (String f :
                    List.of("provisioner", "parameters", "reclaimPolicy", "volumeBindingMode")) {
                  if (!obj.path(f).equals(old.path(f))) {
                    errs.add(FieldError.forbidden(f, "updates to " + f + " are forbidden."));
                  }
                }
                return errs;
              }
            })
        .model(StorageClass.class)
        .build();
  }
}
