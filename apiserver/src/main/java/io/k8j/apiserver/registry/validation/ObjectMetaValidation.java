package io.k8j.apiserver.registry.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Upstream's {@code ValidateObjectMeta}: names, namespace, labels, annotations, finalizers. */
public final class ObjectMetaValidation {
  private static final int ANNOTATIONS_MAX_BYTES = 256 * 1024;

  private ObjectMetaValidation() {}

  public static List<FieldError> validate(ObjectNode obj, boolean namespaced, Names.Rule rule) {
    List<FieldError> errs = new ArrayList<>();
    JsonNode meta = obj.path("metadata");
    String name = meta.path("name").asText("");
    String generateName = meta.path("generateName").asText("");
    if (name.isEmpty()) {
      errs.add(FieldError.required("metadata.name", "name or generateName is required"));
    } else {
      for (String msg : rule.check(name)) {
        errs.add(FieldError.invalid("metadata.name", name, msg));
      }
    }
    if (!generateName.isEmpty() && name.isEmpty()) {
      for (String msg : rule.check(generateName)) {
        errs.add(FieldError.invalid("metadata.generateName", generateName, msg));
      }
    }
    String ns = meta.path("namespace").asText("");
    if (namespaced) {
      if (ns.isEmpty()) {
        errs.add(FieldError.required("metadata.namespace", ""));
      } else {
        for (String msg : Names.dns1123Label(ns)) {
          errs.add(FieldError.invalid("metadata.namespace", ns, msg));
        }
      }
    } else if (!ns.isEmpty()) {
      errs.add(FieldError.forbidden("metadata.namespace", "not allowed on this type"));
    }
    errs.addAll(labels(meta.path("labels"), "metadata.labels"));
    errs.addAll(annotations(meta.path("annotations"), "metadata.annotations"));
    return errs;
  }

  public static List<FieldError> labels(JsonNode labels, String path) {
    List<FieldError> errs = new ArrayList<>();
    if (labels.isMissingNode() || labels.isNull()) {
      return errs;
    }
    if (!labels.isObject()) {
      errs.add(FieldError.invalid(path, labels.toString(), "must be a map of strings"));
      return errs;
    }
    for (Map.Entry<String, JsonNode> e : labels.properties()) {
      for (String msg : Names.qualifiedName(e.getKey())) {
        errs.add(FieldError.invalid(path, e.getKey(), msg));
      }
      String v = e.getValue().asText();
      for (String msg : Names.labelValue(v)) {
        errs.add(FieldError.invalid(path, v, msg));
      }
    }
    return errs;
  }

  public static List<FieldError> annotations(JsonNode annotations, String path) {
    List<FieldError> errs = new ArrayList<>();
    if (!annotations.isObject()) {
      return errs;
    }
    long total = 0;
    for (Map.Entry<String, JsonNode> e : annotations.properties()) {
      for (String msg : Names.qualifiedName(e.getKey().toLowerCase())) {
        errs.add(FieldError.invalid(path, e.getKey(), msg));
      }
      total += e.getKey().length() + e.getValue().asText().length();
    }
    if (total > ANNOTATIONS_MAX_BYTES) {
      errs.add(FieldError.tooLong(path, ANNOTATIONS_MAX_BYTES));
    }
    return errs;
  }
}
