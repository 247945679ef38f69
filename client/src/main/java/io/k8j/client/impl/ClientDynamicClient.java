package io.k8j.client.impl;

import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.k8j.client.ApiResource;
import io.k8j.client.DeepCopy;
import io.k8j.client.Deletion;
import io.k8j.client.DynamicClient;
import java.util.ArrayList;
import java.util.List;

/** {@link DynamicClient} on the fabric8 client and the server's discovery documents. */
public final class ClientDynamicClient implements DynamicClient {
  private final KubernetesClient client;
  private final RawApi raw;

  public ClientDynamicClient(KubernetesClient client) {
    this.client = client;
    this.raw = new RawApi(client);
  }

  @Override
  public List<ApiResource> discover() {
    List<ApiResource> out = new ArrayList<>();
    addResources(out, "", client.getApiResources("v1"));
    for (APIGroup g : client.getApiGroups().getGroups()) {
      String gv = g.getPreferredVersion().getGroupVersion();
      addResources(out, g.getName(), client.getApiResources(gv));
    }
    return out;
  }

  private static void addResources(List<ApiResource> out, String group, APIResourceList list) {
    if (list == null) {
      return;
    }
    String gv = list.getGroupVersion();
    String version = gv.substring(gv.indexOf('/') + 1);
    for (var r : list.getResources()) {
      if (r.getName().contains("/")) {
        continue;
      }
      out.add(
          new ApiResource(
              group,
              version,
              r.getKind(),
              r.getName(),
              Boolean.TRUE.equals(r.getNamespaced()),
              r.getVerbs() == null ? List.of() : List.copyOf(r.getVerbs())));
    }
  }

  public static ResourceDefinitionContext context(ApiResource r) {
    return new ResourceDefinitionContext.Builder()
        .withGroup(r.group())
        .withVersion(r.version())
        .withKind(r.kind())
        .withPlural(r.plural())
        .withNamespaced(r.namespaced())
        .build();
  }

  @Override
  public List<GenericKubernetesResource> list(ApiResource resource, String namespace) {
    var op = client.genericKubernetesResources(context(resource));
    return namespace == null || !resource.namespaced()
        ? op.list().getItems()
        : op.inNamespace(namespace).list().getItems();
  }

  @Override
  public GenericKubernetesResource get(ApiResource resource, String namespace, String name) {
    var op = client.genericKubernetesResources(context(resource));
    return resource.namespaced()
        ? op.inNamespace(namespace).withName(name).get()
        : op.withName(name).get();
  }

  @Override
  public boolean delete(ApiResource resource, String namespace, String name, Deletion deletion) {
    return raw.send("DELETE", resource.path(namespace, name), "application/json", deletion.toJson())
            .code()
        != 404;
  }

  @Override
  public void deleteCollection(ApiResource resource, String namespace) {
    raw.send(
        "DELETE", resource.path(namespace, null), "application/json", Deletion.DEFAULT.toJson());
  }

  @Override
  public GenericKubernetesResource patch(
      ApiResource resource, String namespace, String name, String mergePatch) {
    return send(resource, namespace, name, "application/merge-patch+json", mergePatch);
  }

  @Override
  public GenericKubernetesResource jsonPatch(
      ApiResource resource, String namespace, String name, String jsonPatch) {
    return send(resource, namespace, name, "application/json-patch+json", jsonPatch);
  }

  private GenericKubernetesResource send(
      ApiResource resource, String namespace, String name, String contentType, String patch) {
    RawApi.Response r = raw.send("PATCH", resource.path(namespace, name), contentType, patch);
    return r.code() == 404
        ? null
        : DeepCopy.serialization().unmarshal(r.body(), GenericKubernetesResource.class);
  }
}
