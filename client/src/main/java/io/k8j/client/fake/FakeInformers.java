package io.k8j.client.fake;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.k8j.client.ApiResource;
import io.k8j.client.InformerFactory;
import java.util.HashMap;
import java.util.Map;

/** {@link FakeInformer}s, one per type or resource. */
public final class FakeInformers implements InformerFactory {
  private final Map<Object, FakeInformer<?>> informers = new HashMap<>();

  @Override
  @SuppressWarnings("unchecked")
  public synchronized <T extends HasMetadata> FakeInformer<T> forType(Class<T> type) {
    return (FakeInformer<T>) informers.computeIfAbsent(type, t -> new FakeInformer<T>());
  }

  @Override
  @SuppressWarnings("unchecked")
  public synchronized FakeInformer<GenericKubernetesResource> forResource(ApiResource resource) {
    return (FakeInformer<GenericKubernetesResource>)
        informers.computeIfAbsent(
            resource.apiVersion() + "/" + resource.plural(),
            k -> new FakeInformer<GenericKubernetesResource>());
  }
}
