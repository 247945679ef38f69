package io.k8j.kubelet.pod;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.k8j.kubelet.status.PodStatusGenerator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pods this node should run, by UID: those bound to it in the API server and the static pods
 * from its manifest directory, and the mirror pods that reflect static pods in the API server
 * (upstream's pod manager). Thread-safe.
 */
public final class PodManager {
  public static final String CONFIG_SOURCE = "kubernetes.io/config.source";
  public static final String CONFIG_MIRROR = "kubernetes.io/config.mirror";
  public static final String CONFIG_HASH = "kubernetes.io/config.hash";

  private final Map<String, Pod> pods = new ConcurrentHashMap<>();
  private final Map<String, Pod> mirrors = new ConcurrentHashMap<>();

  public static boolean isMirror(Pod pod) {
    var a = pod.getMetadata().getAnnotations();
    return a != null && a.containsKey(CONFIG_MIRROR);
  }

  public static boolean isStatic(Pod pod) {
    var a = pod.getMetadata().getAnnotations();
    return a != null && a.containsKey(CONFIG_SOURCE) && !"api".equals(a.get(CONFIG_SOURCE));
  }

  /**
   * Whether a pod's update changes what its worker acts on (upstream's {@code
   * podsDifferSemantically}): its spec, labels, annotations or deletion, or a condition another
   * component owns (readiness gates, disruption). An update that only carries a status the kubelet
   * wrote itself is not worth a sync: the informer sees each of the kubelet's own status writes.
   */
  public static boolean differsForSync(Pod before, Pod after) {
    var m0 = before.getMetadata();
    var m1 = after.getMetadata();
    return !Objects.equals(before.getSpec(), after.getSpec())
        || !Objects.equals(m0.getLabels(), m1.getLabels())
        || !Objects.equals(m0.getAnnotations(), m1.getAnnotations())
        || !Objects.equals(m0.getDeletionTimestamp(), m1.getDeletionTimestamp())
        || !Objects.equals(m0.getDeletionGracePeriodSeconds(), m1.getDeletionGracePeriodSeconds())
        || !foreignConditions(before).equals(foreignConditions(after));
  }

  private static List<PodCondition> foreignConditions(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return List.of();
    }
    return pod.getStatus().getConditions().stream()
        .filter(c -> !PodStatusGenerator.KUBELET_CONDITIONS.contains(c.getType()))
        .toList();
  }

  static String fullName(Pod pod) {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }

  public void put(Pod pod) {
    pods.put(pod.getMetadata().getUid(), pod);
  }

  public void putMirror(Pod mirror) {
    mirrors.put(fullName(mirror), mirror);
  }

  public void removeMirror(Pod mirror) {
    mirrors.computeIfPresent(
        fullName(mirror),
        (k, v) -> v.getMetadata().getUid().equals(mirror.getMetadata().getUid()) ? null : v);
  }

  public Optional<Pod> remove(String uid) {
    return Optional.ofNullable(pods.remove(uid));
  }

  public Optional<Pod> get(String uid) {
    return Optional.ofNullable(pods.get(uid));
  }

  public List<Pod> all() {
    return List.copyOf(pods.values());
  }

  public boolean contains(String uid) {
    return pods.containsKey(uid);
  }

  /** The mirror pod of a static pod, if the API server has one. */
  public Optional<Pod> mirrorOf(Pod staticPod) {
    return Optional.ofNullable(mirrors.get(fullName(staticPod)));
  }

  public List<Pod> mirrors() {
    return List.copyOf(mirrors.values());
  }

  /** The object in the API server that carries this pod's status: itself, or its mirror. */
  public Optional<Pod> apiPod(Pod pod) {
    return isStatic(pod)
        ? mirrorOf(pod)
        : Optional.of(pods.getOrDefault(pod.getMetadata().getUid(), pod));
  }
}
