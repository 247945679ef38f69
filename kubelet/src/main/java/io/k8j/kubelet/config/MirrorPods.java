package io.k8j.kubelet.config;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.k8j.kubelet.pod.PodManager;
import io.k8j.kubelet.util.Json;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mirror pods: the API server's read-only reflection of a static pod, annotated {@code
 * kubernetes.io/config.mirror} with the static pod's hash and owned by the Node. A mirror with a
 * stale hash is replaced; a mirror without its static pod is deleted.
 */
public final class MirrorPods {
  private static final Logger log = LoggerFactory.getLogger(MirrorPods.class);

  private final KubernetesClient client;
  private final PodManager pods;
  private final Supplier<Node> node;

  public MirrorPods(KubernetesClient client, PodManager pods, Supplier<Node> node) {
    this.client = client;
    this.pods = pods;
    this.node = node;
  }

  /** Makes sure the static pod has an up-to-date mirror pod. */
  public void ensure(Pod staticPod) {
    String hash = staticPod.getMetadata().getAnnotations().get(PodManager.CONFIG_HASH);
    Optional<Pod> mirror = pods.mirrorOf(staticPod);
    if (mirror.isPresent()) {
      String have = mirror.get().getMetadata().getAnnotations().get(PodManager.CONFIG_MIRROR);
      if (hash.equals(have) && mirror.get().getMetadata().getDeletionTimestamp() == null) {
        return;
      }
      delete(mirror.get());
    }
    Pod m = Json.copy(staticPod);
    m.getMetadata().setUid(null);
    m.getMetadata().setResourceVersion(null);
    Map<String, String> ann = new HashMap<>(m.getMetadata().getAnnotations());
    ann.put(PodManager.CONFIG_MIRROR, hash);
    m.getMetadata().setAnnotations(ann);
    Node n = node.get();
    if (n != null && n.getMetadata().getUid() != null) {
      m.getMetadata()
          .setOwnerReferences(
              java.util.List.of(
                  new OwnerReferenceBuilder()
                      .withApiVersion("v1")
                      .withKind("Node")
                      .withName(n.getMetadata().getName())
                      .withUid(n.getMetadata().getUid())
                      .withController(true)
                      .build()));
    }
    m.setStatus(null);
    try {
      Pod created = client.pods().inNamespace(m.getMetadata().getNamespace()).resource(m).create();
      pods.putMirror(created);
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        log.warn(
            "could not create the mirror pod of {}: {}", m.getMetadata().getName(), e.getMessage());
      }
    }
  }

  public void delete(Pod mirror) {
    try {
      client
          .pods()
          .inNamespace(mirror.getMetadata().getNamespace())
          .withName(mirror.getMetadata().getName())
          .withGracePeriod(0)
          .delete();
    } catch (KubernetesClientException e) {
      log.debug(
          "could not delete mirror pod {}: {}", mirror.getMetadata().getName(), e.getMessage());
    }
  }
}
