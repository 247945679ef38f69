package io.k8j.client;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.k8j.client.impl.ClientDynamicClient;
import io.k8j.client.impl.ClusterInformer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One shared informer per resource over all namespaces, as client-go's {@code
 * SharedInformerFactory}. Informers asked for before {@link #start} start with it; those asked for
 * later start at once. A failed watch is retried (fabric8 relists with backoff).
 */
public final class SharedInformers implements InformerFactory, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SharedInformers.class);

  private final KubernetesClient client;
  private final Map<Object, ClusterInformer<?>> informers = new HashMap<>();
  private final List<SharedIndexInformer<?>> all = new ArrayList<>();
  private boolean started;
  private boolean closed;

  public SharedInformers(KubernetesClient client) {
    this.client = client;
  }

  @Override
  @SuppressWarnings("unchecked")
  public synchronized <T extends HasMetadata> Informer<T> forType(Class<T> type) {
    return (Informer<T>)
        informers.computeIfAbsent(
            type, t -> register(client.resources(type).inAnyNamespace().runnableInformer(0)));
  }

  @Override
  @SuppressWarnings("unchecked")
  public synchronized Informer<GenericKubernetesResource> forResource(ApiResource resource) {
    return (Informer<GenericKubernetesResource>)
        informers.computeIfAbsent(
            resource.apiVersion() + "/" + resource.plural(),
            k ->
                register(
                    client
                        .genericKubernetesResources(ClientDynamicClient.context(resource))
                        .inAnyNamespace()
                        .runnableInformer(0)));
  }

  private <T> ClusterInformer<T> register(SharedIndexInformer<T> informer) {
    informer.exceptionHandler(
        (isStarted, t) -> {
          LOG.debug(
              "informer for {}: {}", informer.getApiTypeClass().getSimpleName(), t.toString());
          return !closed;
        });
    all.add(informer);
    if (started) {
      informer.start();
    }
    return new ClusterInformer<>(informer);
  }

  /** Starts every informer asked for so far, and any asked for later. */
  public synchronized void start() {
    started = true;
    all.forEach(SharedIndexInformer::start);
  }

  @Override
  public synchronized void close() {
    closed = true;
    all.forEach(SharedIndexInformer::stop);
    all.clear();
    informers.clear();
  }
}
