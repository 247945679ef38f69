package io.k8j.client;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;

/** Where controllers get their informers: one shared informer per resource, all namespaces. */
public interface InformerFactory {
  <T extends HasMetadata> Informer<T> forType(Class<T> type);

  /** An informer on a resource known only from discovery (garbage collector, namespaces). */
  Informer<GenericKubernetesResource> forResource(ApiResource resource);
}
