package io.k8j.apiserver.registry.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.registry.Strategy;
import io.k8j.apiserver.registry.validation.FieldError;
import java.util.ArrayList;
import java.util.List;

/**
 * PersistentVolumes and PersistentVolumeClaims: phases, defaults and upstream's required fields.
 */
final class PersistentVolumes {
  static final List<String> ACCESS_MODES =
      List.of("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod");
  private static final List<String> RECLAIM = List.of("Delete", "Recycle", "Retain");
  private static final List<String> NOT_SOURCES =
      List.of(
          "capacity",
          "accessModes",
          "claimRef",
          "persistentVolumeReclaimPolicy",
          "storageClassName",
          "mountOptions",
          "volumeMode",
          "nodeAffinity",
          "volumeAttributesClassName");

  private PersistentVolumes() {}

  private static void accessModes(
      JsonNode modes, String path, List<FieldError> errs, String detail) {
    if (!modes.isArray() || modes.isEmpty()) {
      errs.add(FieldError.required(path, detail));
    }
    for (JsonNode m : modes) {
      if (!ACCESS_MODES.contains(m.asText())) {
        errs.add(FieldError.notSupported(path, m.asText(), ACCESS_MODES));
      }
    }
  }

  /** PersistentVolumes: created Pending, Retain by default, with capacity, modes and a source. */
  static final class PvStrategy implements Strategy {
    @Override
    public boolean tracksGeneration() {
      return false;
    }

    @Override
    public void prepareForCreate(ObjectNode obj) {
      Json.child(obj, "status").removeAll().put("phase", "Pending");
    }

    @Override
    public void applyDefaults(ObjectNode obj) {
      ObjectNode spec = Json.child(obj, "spec");
      if (!spec.has("persistentVolumeReclaimPolicy")) {
        spec.put("persistentVolumeReclaimPolicy", "Retain");
      }
      if (!spec.has("volumeMode")) {
        spec.put("volumeMode", "Filesystem");
      }
    }

    @Override
    public List<FieldError> validate(ObjectNode obj) {
      List<FieldError> errs = new ArrayList<>();
      JsonNode spec = obj.path("spec");
      if (spec.path("capacity").path("storage").isMissingNode()) {
        errs.add(FieldError.required("spec.capacity", ""));
      }
      accessModes(spec.path("accessModes"), "spec.accessModes", errs, "");
      PodValidation.enumField(spec, "persistentVolumeReclaimPolicy", "spec", RECLAIM, errs);
      boolean hasSource = false;
      for (var e : spec.properties()) {
        hasSource |= !NOT_SOURCES.contains(e.getKey());
      }
      if (!hasSource) {
        errs.add(FieldError.required("spec", "must specify a volume type"));
      }
      return errs;
    }
  }

  /** Claims: created Pending; modes and a storage request required; the spec fixed but for size. */
  static final class PvcStrategy implements Strategy {
    @Override
    public boolean tracksGeneration() {
      return false;
    }

    @Override
    public void prepareForCreate(ObjectNode obj) {
      Json.child(obj, "status").removeAll().put("phase", "Pending");
    }

    @Override
    public void applyDefaults(ObjectNode obj) {
      ObjectNode spec = Json.child(obj, "spec");
      if (!spec.has("volumeMode")) {
        spec.put("volumeMode", "Filesystem");
      }
    }

    @Override
    public List<FieldError> validate(ObjectNode obj) {
      List<FieldError> errs = new ArrayList<>();
      JsonNode spec = obj.path("spec");
      accessModes(
          spec.path("accessModes"), "spec.accessModes", errs, "at least 1 access mode is required");
      if (spec.path("resources").path("requests").path("storage").isMissingNode()) {
        errs.add(FieldError.required("spec.resources[storage]", ""));
      }
      return errs;
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode obj, ObjectNode old) {
      List<FieldError> errs = new ArrayList<>(validate(obj));
      ObjectNode now = obj.path("spec").deepCopy();
      ObjectNode before = old.path("spec").deepCopy();
      for (ObjectNode s : List.of(now, before)) {
        s.remove(List.of("resources", "volumeAttributesClassName", "volumeName"));
      }
      if (!now.equals(before)) {
        errs.add(
            FieldError.forbidden(
                "spec",
                "spec is immutable after creation except resources.requests and"
                    + " volumeAttributesClassName for bound claims"));
      }
      return errs;
    }
  }
}
