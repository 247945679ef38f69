package io.k8j.apiserver.registry.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Namespace;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.registry.Column;
import io.k8j.apiserver.registry.ResourceDef;
import io.k8j.apiserver.registry.Strategy;
import io.k8j.apiserver.registry.Subresource;
import io.k8j.apiserver.registry.validation.Names;

/**
 * Namespaces: created Active with the {@code kubernetes} finalizer; a delete marks them Terminating
 * until the namespace controller has emptied them and cleared their spec.finalizers through {@code
 * /finalize}.
 */
public final class Namespaces implements Strategy {
  private Namespaces() {}

  public static ResourceDef definition() {
    return ResourceDef.builder("", "v1", "Namespace", "namespaces")
        .clusterScoped()
        .shortNames("ns")
        .verbs("create", "delete", "get", "list", "patch", "update", "watch")
        .withStatus()
        .subresource(
            new Subresource("finalize", null, null, "Namespace", java.util.List.of("update")))
        .column(Column.string("Status", o -> o.path("status").path("phase").asText("")))
        .field("status.phase", o -> Json.text(o, "status.phase"))
        .strategy(new Namespaces())
        .model(Namespace.class)
        .returnDeletedObject()
        .build();
  }

  @Override
  public Names.Rule nameRule() {
    return Names.Rule.LABEL;
  }

  @Override
  public boolean tracksGeneration() {
    return false;
  }

  @Override
  public void prepareForCreate(ObjectNode obj) {
    Json.child(obj, "status").removeAll().put("phase", "Active");
    Json.child(obj, "spec").putArray("finalizers").add("kubernetes");
  }

  @Override
  public void prepareForUpdate(ObjectNode obj, ObjectNode old) {
    ObjectNode spec = Json.child(obj, "spec");
    spec.set("finalizers", old.path("spec").path("finalizers").deepCopy());
    if (spec.get("finalizers").isMissingNode()) {
      spec.remove("finalizers");
    }
  }

  @Override
  public void applyDefaults(ObjectNode obj) {
    ObjectNode meta = Json.metadata(obj);
    Json.child(meta, "labels").put("kubernetes.io/metadata.name", meta.path("name").asText());
  }

  @Override
  public boolean pendingDeletion(ObjectNode obj) {
    return !obj.path("spec").path("finalizers").isEmpty();
  }

  @Override
  public void markForDeletion(ObjectNode obj) {
    Json.child(obj, "status").put("phase", "Terminating");
  }
}
