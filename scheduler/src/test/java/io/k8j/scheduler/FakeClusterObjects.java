package io.k8j.scheduler;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.k8j.scheduler.framework.ClusterObjects;
import io.k8j.scheduler.framework.PodInfo;
import io.k8j.scheduler.framework.Selector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** Cluster objects held in lists, for plugin tests. */
public final class FakeClusterObjects implements ClusterObjects {
  public final List<PersistentVolume> pvs = new ArrayList<>();
  public final List<PersistentVolumeClaim> pvcs = new ArrayList<>();
  public final List<StorageClass> storageClasses = new ArrayList<>();
  public final List<PodDisruptionBudget> pdbs = new ArrayList<>();
  public final Map<String, Map<String, String>> namespaces = new HashMap<>();
  public Function<PodInfo, Selector> defaultSelector = p -> Selector.EVERYTHING;

  @Override
  public boolean serves(Kind kind) {
    return true;
  }

  @Override
  public Map<String, String> namespaceLabels(String namespace) {
    return namespaces.getOrDefault(namespace, Map.of());
  }

  @Override
  public Set<String> namespacesMatching(Selector selector) {
    Set<String> out = new HashSet<>();
    namespaces.forEach(
        (n, l) -> {
          if (selector.matches(l)) {
            out.add(n);
          }
        });
    return out;
  }

  @Override
  public Pod pod(String namespace, String name) {
    return null;
  }

  @Override
  public PersistentVolumeClaim persistentVolumeClaim(String namespace, String name) {
    return pvcs.stream()
        .filter(
            c ->
                c.getMetadata().getNamespace().equals(namespace)
                    && c.getMetadata().getName().equals(name))
        .findFirst()
        .orElse(null);
  }

  @Override
  public PersistentVolume persistentVolume(String name) {
    return pvs.stream()
        .filter(v -> v.getMetadata().getName().equals(name))
        .findFirst()
        .orElse(null);
  }

  @Override
  public List<PersistentVolume> persistentVolumes() {
    return pvs;
  }

  @Override
  public StorageClass storageClass(String name) {
    return storageClasses.stream()
        .filter(s -> s.getMetadata().getName().equals(name))
        .findFirst()
        .orElse(null);
  }

  @Override
  public List<PodDisruptionBudget> podDisruptionBudgets() {
    return pdbs;
  }

  @Override
  public Selector defaultSelector(PodInfo pod) {
    return defaultSelector.apply(pod);
  }
}
