package io.k8j.apiserver.registry.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.http.ApiException;
import io.k8j.apiserver.registry.GroupResource;
import io.k8j.apiserver.registry.NamespaceLifecycle;
import io.k8j.apiserver.registry.ObjectCodec;
import io.k8j.apiserver.registry.ServedResource;
import io.k8j.store.KeyValue;
import io.k8j.store.Store;

/**
 * NamespaceLifecycle: an object may be created only in a namespace that exists and is not being
 * terminated. The namespace is read from the watch cache, and from the store when the cache has not
 * seen it yet (it was created a moment ago).
 */
public final class NamespaceAdmission implements NamespaceLifecycle {
  private final Store store;
  private volatile ServedResource namespaces;

  public NamespaceAdmission(Store store) {
    this.store = store;
  }

  public void use(ServedResource namespaces) {
    this.namespaces = namespaces;
  }

  @Override
  public void checkCreate(GroupResource resource, String namespace, String name) {
    String key = namespaces.def().key("", namespace);
    ObjectNode ns = namespaces.cache().get(key);
    if (ns == null) {
      KeyValue kv = store.get(key);
      if (kv == null) {
        throw ApiException.notFound(new GroupResource("", "namespaces"), namespace);
      }
      ns = ObjectCodec.decode(kv);
    }
    if (ns.path("metadata").has("deletionTimestamp")
        || "Terminating".equals(ns.path("status").path("phase").asText())) {
      ObjectNode details = Json.object();
      details.put("name", name);
      if (!resource.group().isEmpty()) {
        details.put("group", resource.group());
      }
      details.put("kind", resource.resource());
      details
          .putArray("causes")
          .addObject()
          .put("reason", "NamespaceTerminating")
          .put("message", "namespace " + namespace + " is being terminated")
          .put("field", "metadata.namespace");
      throw ApiException.forbidden(
          resource,
          name,
          "unable to create new content in namespace "
              + namespace
              + " because it is being terminated",
          details);
    }
  }
}
