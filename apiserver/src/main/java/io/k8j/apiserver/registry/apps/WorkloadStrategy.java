package io.k8j.apiserver.registry.apps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.registry.Strategy;
import io.k8j.apiserver.registry.core.PodDefaults;
import io.k8j.apiserver.registry.core.PodValidation;
import io.k8j.apiserver.registry.selection.LabelSelector;
import io.k8j.apiserver.registry.selection.Labels;
import io.k8j.apiserver.registry.validation.FieldError;
import io.k8j.apiserver.registry.validation.ObjectMetaValidation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What the workload kinds share: status cleared on create, a required, immutable selector that must
 * match the pod template's labels, a valid pod template with pod defaults, replicas not negative.
 */
public class WorkloadStrategy implements Strategy {
  private final Consumer<ObjectNode> specDefaults;
  private final boolean hasReplicas;
  private List<String> mutableSpecFields;
  private String immutableMessage;

  public WorkloadStrategy(boolean hasReplicas, Consumer<ObjectNode> specDefaults) {
    this.hasReplicas = hasReplicas;
    this.specDefaults = specDefaults;
  }

  /** Allows updates to change only these spec fields (StatefulSets); others are forbidden. */
  public WorkloadStrategy onlyMutable(String message, String... specFields) {
    this.mutableSpecFields = List.of(specFields);
    this.immutableMessage = message;
    return this;
  }

  @Override
  public void prepareForCreate(ObjectNode obj) {
    obj.remove("status");
  }

  @Override
  public void applyDefaults(ObjectNode obj) {
    ObjectNode spec = Json.child(obj, "spec");
    if (hasReplicas && !spec.has("replicas")) {
      spec.put("replicas", 1);
    }
    specDefaults.accept(spec);
    if (spec.path("template").path("spec") instanceof ObjectNode ps) {
      PodDefaults.apply(ps);
    }
  }

  @Override
  public List<FieldError> validate(ObjectNode obj) {
    List<FieldError> errs = new ArrayList<>();
    JsonNode spec = obj.path("spec");
    if (hasReplicas && spec.path("replicas").asLong(0) < 0) {
      errs.add(
          FieldError.invalid(
              "spec.replicas",
              spec.path("replicas").asLong(),
              "must be greater than or equal to 0"));
    }
    errs.addAll(validateTemplate(spec, "spec", true));
    return errs;
  }

  /** The selector and pod template of a spec (or a job template's spec). */
  public static List<FieldError> validateTemplate(
      JsonNode spec, String path, boolean selectorRequired) {
    List<FieldError> errs = new ArrayList<>();
    JsonNode selector = spec.path("selector");
    boolean emptySelector =
        !selector.isObject()
            || selector.path("matchLabels").isEmpty()
                && selector.path("matchExpressions").isEmpty();
    if (emptySelector && selectorRequired) {
      errs.add(FieldError.required(path + ".selector", ""));
    } else if (!emptySelector) {
      errs.addAll(
          ObjectMetaValidation.labels(
              selector.path("matchLabels"), path + ".selector.matchLabels"));
    }
    JsonNode template = spec.path("template");
    JsonNode labels = template.path("metadata").path("labels");
    errs.addAll(ObjectMetaValidation.labels(labels, path + ".template.metadata.labels"));
    if (!emptySelector && !matches(selector, Labels.map(labels))) {
      errs.add(
          FieldError.invalid(
              path + ".template.metadata.labels",
              new FieldError.Raw(goMap(Labels.map(labels))),
              "`selector` does not match template `labels`"));
    }
    errs.addAll(PodValidation.validateSpec(template.path("spec"), path + ".template.spec"));
    return errs;
  }

  @Override
  public List<FieldError> validateUpdate(ObjectNode obj, ObjectNode old) {
    List<FieldError> errs = new ArrayList<>(validate(obj));
    JsonNode sel = obj.path("spec").path("selector");
    if (!sel.equals(old.path("spec").path("selector"))) {
      errs.add(
          FieldError.invalid(
              "spec.selector", new FieldError.Raw(goSelector(sel)), "field is immutable"));
    }
    if (mutableSpecFields != null) {
      ObjectNode now = obj.path("spec").deepCopy();
      ObjectNode before = old.path("spec").deepCopy();
      now.remove(mutableSpecFields);
      before.remove(mutableSpecFields);
      if (!now.equals(before)) {
        errs.add(FieldError.forbidden("spec", immutableMessage));
      }
    }
    return errs;
  }

  static boolean matches(JsonNode selector, Map<String, String> labels) {
    String text = io.k8j.apiserver.registry.Cells.labelSelector(selector);
    try {
      return LabelSelector.parse(text.equals("<none>") ? "" : text).test(labels);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** A map as Go's {@code %#v} prints it: {@code map[string]string{"app":"web"}}. */
  static String goMap(Map<String, String> m) {
    List<String> parts = new ArrayList<>();
    new java.util.TreeMap<>(m).forEach((k, v) -> parts.add("\"" + k + "\":\"" + v + "\""));
    return "map[string]string{" + String.join(", ", parts) + "}";
  }

  static String goSelector(JsonNode sel) {
    return "v1.LabelSelector{MatchLabels:"
        + goMap(Labels.map(sel.path("matchLabels")))
        + ", MatchExpressions:[]v1.LabelSelectorRequirement(nil)}";
  }
}
