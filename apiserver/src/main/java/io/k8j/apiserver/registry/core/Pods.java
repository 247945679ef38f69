package io.k8j.apiserver.registry.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.registry.Column;
import io.k8j.apiserver.registry.ResourceDef;
import io.k8j.apiserver.registry.Strategy;
import io.k8j.apiserver.registry.Subresource;
import io.k8j.apiserver.registry.validation.FieldError;
import java.util.List;

/**
 * Pods: created Pending, deleted gracefully once bound to a node, with the spec immutable but for
 * images, activeDeadlineSeconds and added tolerations.
 */
public final class Pods implements Strategy {
  private Pods() {}

  public static ResourceDef definition() {
    return ResourceDef.builder("", "v1", "Pod", "pods")
        .shortNames("po")
        .categories("all")
        .withStatus()
        .subresource(new Subresource("binding", null, null, "Binding", List.of("create")))
        .subresource(new Subresource("log", null, null, "Pod", List.of("get")))
        .subresource(new Subresource("eviction", "policy", "v1", "Eviction", List.of("create")))
        .subresource(
            new Subresource("exec", null, null, "PodExecOptions", List.of("create", "get")))
        .subresource(
            new Subresource("attach", null, null, "PodAttachOptions", List.of("create", "get")))
        .subresource(
            new Subresource(
                "portforward", null, null, "PodPortForwardOptions", List.of("create", "get")))
        .column(Column.string("Ready", PodPrinter::ready))
        .column(Column.string("Status", PodPrinter::status))
        .column(Column.string("Restarts", PodPrinter::restarts))
        .ageColumn()
        .column(Column.wide("IP", o -> PodPrinter.orNone(o.path("status").path("podIP"))))
        .column(Column.wide("Node", o -> PodPrinter.orNone(o.path("spec").path("nodeName"))))
        .column(
            Column.wide(
                "Nominated Node",
                o -> PodPrinter.orNone(o.path("status").path("nominatedNodeName"))))
        .column(Column.wide("Readiness Gates", PodPrinter::readinessGates))
        .field("spec.nodeName", o -> Json.text(o, "spec.nodeName"))
        .field("spec.restartPolicy", o -> Json.text(o, "spec.restartPolicy"))
        .field("spec.schedulerName", o -> Json.text(o, "spec.schedulerName"))
        .field("spec.serviceAccountName", o -> Json.text(o, "spec.serviceAccountName"))
        .field(
            "spec.hostNetwork",
            o -> Boolean.toString(o.path("spec").path("hostNetwork").asBoolean(false)))
        .field("status.phase", o -> Json.text(o, "status.phase"))
        .field("status.podIP", o -> Json.text(o, "status.podIP"))
        .field("status.nominatedNodeName", o -> Json.text(o, "status.nominatedNodeName"))
        .strategy(new Pods())
        .model(Pod.class)
        .returnDeletedObject()
        .build();
  }

  @Override
  public boolean tracksGeneration() {
    return false;
  }

  @Override
  public void prepareForCreate(ObjectNode obj) {
    ObjectNode status = Json.child(obj, "status");
    status.removeAll();
    status.put("phase", "Pending");
    status.put("qosClass", PodDefaults.qosClass(obj.path("spec")));
  }

  /** As upstream: the pods/status endpoint may not touch owner references. */
  @Override
  public void prepareForStatusUpdate(ObjectNode obj, ObjectNode old) {
    ObjectNode meta = Json.metadata(obj);
    if (old.path("metadata").has("ownerReferences")) {
      meta.set("ownerReferences", old.path("metadata").path("ownerReferences").deepCopy());
    } else {
      meta.remove("ownerReferences");
    }
  }

  @Override
  public void applyDefaults(ObjectNode obj) {
    PodDefaults.apply(Json.child(obj, "spec"));
  }

  @Override
  public List<FieldError> validate(ObjectNode obj) {
    return PodValidation.validateSpec(obj.path("spec"), "spec");
  }

  @Override
  public List<FieldError> validateUpdate(ObjectNode obj, ObjectNode old) {
    List<FieldError> errs = new java.util.ArrayList<>(validate(obj));
    if (!mutableView(obj.path("spec")).equals(mutableView(old.path("spec")))) {
      errs.add(
          FieldError.forbidden(
              "spec",
              "pod updates may not change fields other than `spec.containers[*].image`,"
                  + "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,"
                  + "`spec.tolerations` (only additions to existing tolerations),"
                  + "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was"
                  + " previously negative)"));
    }
    return errs;
  }

  /** The spec without the fields an update may change. */
  private static JsonNode mutableView(JsonNode spec) {
    ObjectNode s = spec.isObject() ? ((ObjectNode) spec).deepCopy() : Json.object();
    s.remove(List.of("activeDeadlineSeconds", "tolerations", "terminationGracePeriodSeconds"));
    for (String list : List.of("containers", "initContainers", "ephemeralContainers")) {
      if (s.get(list) instanceof ArrayNode a) {
        a.forEach(c -> ((ObjectNode) c).remove("image"));
      }
    }
    if (!spec.path("nodeName").isMissingNode()) {
      s.remove("nodeName");
    }
    return s;
  }

  @Override
  public long gracePeriodSeconds(ObjectNode obj, Long requested) {
    String phase = obj.path("status").path("phase").asText("");
    if (obj.path("spec").path("nodeName").asText("").isEmpty()
        || phase.equals("Succeeded")
        || phase.equals("Failed")) {
      return 0;
    }
    if (requested != null) {
      return requested;
    }
    return obj.path("spec").path("terminationGracePeriodSeconds").asLong(30);
  }
}
