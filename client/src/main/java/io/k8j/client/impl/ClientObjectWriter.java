package io.k8j.client.impl;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.k8j.client.ApiResource;
import io.k8j.client.Deletion;
import io.k8j.client.ObjectReader;
import io.k8j.client.ObjectWriter;
import java.util.List;

/** {@link ObjectWriter} and {@link ObjectReader} on the fabric8 client. */
public final class ClientObjectWriter implements ObjectWriter, ObjectReader {
  private final KubernetesClient client;
  private final RawApi raw;

  public ClientObjectWriter(KubernetesClient client) {
    this.client = client;
    this.raw = new RawApi(client);
  }

  @Override
  public <T extends HasMetadata> T get(Class<T> type, String namespace, String name) {
    var op = client.resources(type);
    return namespace == null || namespace.isEmpty()
        ? op.withName(name).get()
        : op.inNamespace(namespace).withName(name).get();
  }

  @Override
  public <T extends HasMetadata> T create(T obj) {
    return client.resource(obj).create();
  }

  @Override
  public <T extends HasMetadata> T update(T obj) {
    return client.resource(obj).update();
  }

  @Override
  public <T extends HasMetadata> T updateSubresource(T obj, String subresource) {
    return client.resource(obj).subresource(subresource).update();
  }

  @Override
  public <T extends HasMetadata> T patch(T obj, String mergePatch) {
    return client.resource(obj).patch(PatchContext.of(PatchType.JSON_MERGE), mergePatch);
  }

  @Override
  public boolean delete(HasMetadata obj, Deletion deletion) {
    String path =
        resourceOf(obj).path(obj.getMetadata().getNamespace(), obj.getMetadata().getName());
    return raw.send("DELETE", path, "application/json", deletion.toJson()).code() != 404;
  }

  static ApiResource resourceOf(HasMetadata obj) {
    String apiVersion = obj.getApiVersion();
    int slash = apiVersion.indexOf('/');
    String group = slash < 0 ? "" : apiVersion.substring(0, slash);
    String version = apiVersion.substring(slash + 1);
    String ns = obj.getMetadata().getNamespace();
    return new ApiResource(
        group,
        version,
        obj.getKind(),
        HasMetadata.getPlural(obj.getClass()),
        ns != null && !ns.isEmpty(),
        List.of());
  }
}
