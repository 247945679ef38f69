package io.k8j.kubelet.objects;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.k8j.common.Clock;
import io.k8j.kubelet.env.ObjectSource;
import io.k8j.kubelet.volume.TokenSource;
import io.k8j.kubelet.volume.VolumeManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link ObjectSource}, {@link VolumeManager.ClaimSource} and {@link TokenSource} on the API
 * server. Config maps and secrets are read when a container starts and at each pod sync, so that a
 * change reaches volumes within one sync period. Services come from an informer started on first
 * use. Tokens are cached and renewed once 80% of their life has passed, as upstream does.
 */
public final class ApiObjects
    implements ObjectSource, VolumeManager.ClaimSource, TokenSource, AutoCloseable {
  private record CachedToken(String token, Instant renewAt) {}

  private final KubernetesClient client;
  private final Clock clock;
  private final Map<String, CachedToken> tokens = new ConcurrentHashMap<>();
  private volatile SharedIndexInformer<Service> services;
  private volatile CompletableFuture<Void> servicesSynced;

  public ApiObjects(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  @Override
  public Optional<ConfigMap> configMap(String namespace, String name) {
    return Optional.ofNullable(client.configMaps().inNamespace(namespace).withName(name).get());
  }

  @Override
  public Optional<Secret> secret(String namespace, String name) {
    return Optional.ofNullable(client.secrets().inNamespace(namespace).withName(name).get());
  }

  /**
   * Starts watching Services now instead of at the first pod's start, so that the first pod's
   * environment does not wait for their initial list; returns at once.
   */
  public void watchServices() {
    servicesInformer();
  }

  private synchronized SharedIndexInformer<Service> servicesInformer() {
    if (services == null) {
      SharedIndexInformer<Service> inf = client.services().inAnyNamespace().runnableInformer(0);
      servicesSynced = inf.start().toCompletableFuture();
      services = inf;
    }
    return services;
  }

  @Override
  public List<Service> services(String namespace) {
    SharedIndexInformer<Service> inf = services;
    if (inf == null) {
      inf = servicesInformer();
    }
    try {
      servicesSynced.join();
    } catch (CompletionException | CancellationException e) {
      synchronized (this) {
        if (services == inf) {
          inf.close();
          services = null;
        }
      }
      throw new IllegalStateException("could not list the Services: " + e.getMessage(), e);
    }
    List<Service> out = new ArrayList<>();
    for (Service s : inf.getStore().list()) {
      String ns = s.getMetadata().getNamespace();
      if (ns.equals(namespace) || ns.equals("default")) {
        out.add(s);
      }
    }
    return out;
  }

  @Override
  public Optional<PersistentVolumeClaim> claim(String namespace, String name) {
    return Optional.ofNullable(
        client.persistentVolumeClaims().inNamespace(namespace).withName(name).get());
  }

  @Override
  public Optional<PersistentVolume> volume(String name) {
    return Optional.ofNullable(client.persistentVolumes().withName(name).get());
  }

  @Override
  public String token(Pod pod, String audience, long expirationSeconds) {
    String sa =
        pod.getSpec().getServiceAccountName() == null
            ? "default"
            : pod.getSpec().getServiceAccountName();
    String key = pod.getMetadata().getUid() + "/" + sa + "/" + audience + "/" + expirationSeconds;
    Instant now = clock.now();
    CachedToken cached = tokens.get(key);
    if (cached != null && now.isBefore(cached.renewAt)) {
      return cached.token;
    }
    TokenRequestBuilder b =
        new TokenRequestBuilder()
            .withNewSpec()
            .withExpirationSeconds(expirationSeconds)
            .withNewBoundObjectRef()
            .withApiVersion("v1")
            .withKind("Pod")
            .withName(pod.getMetadata().getName())
            .withUid(pod.getMetadata().getUid())
            .endBoundObjectRef()
            .endSpec();
    if (audience != null && !audience.isEmpty()) {
      b.editSpec().withAudiences(audience).endSpec();
    }
    TokenRequest r =
        client
            .serviceAccounts()
            .inNamespace(pod.getMetadata().getNamespace())
            .withName(sa)
            .tokenRequest(b.build());
    String token = r.getStatus().getToken();
    long life = expirationSeconds;
    if (r.getStatus().getExpirationTimestamp() != null) {
      life =
          Math.max(
              1,
              Duration.between(now, Instant.parse(r.getStatus().getExpirationTimestamp()))
                  .toSeconds());
    }
    tokens.put(key, new CachedToken(token, now.plusSeconds(life * 8 / 10)));
    return token;
  }

  /** Forgets a pod's tokens once it is gone. */
  public void forget(String podUid) {
    tokens.keySet().removeIf(k -> k.startsWith(podUid + "/"));
  }

  @Override
  public void close() {
    if (services != null) {
      services.close();
    }
  }
}
