package io.k8j.scheduler.framework;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The cluster objects besides nodes and scheduled pods that plugins read, from the scheduler's
 * informers. A kind the API server does not serve reads as empty ({@link #serves} says which).
 */
public interface ClusterObjects {
  /** The kinds that may be missing from an API server. */
  enum Kind {
    PRIORITY_CLASS,
    PERSISTENT_VOLUME,
    PERSISTENT_VOLUME_CLAIM,
    STORAGE_CLASS,
    POD_DISRUPTION_BUDGET,
    REPLICA_SET,
    STATEFUL_SET
  }

  boolean serves(Kind kind);

  /** The labels of a namespace; empty when it is unknown. */
  Map<String, String> namespaceLabels(String namespace);

  /** The namespaces whose labels {@code selector} matches. */
  Set<String> namespacesMatching(Selector selector);

  /** The latest version of a pod the informer has seen, or null. */
  Pod pod(String namespace, String name);

  PersistentVolumeClaim persistentVolumeClaim(String namespace, String name);

  PersistentVolume persistentVolume(String name);

  List<PersistentVolume> persistentVolumes();

  StorageClass storageClass(String name);

  List<PodDisruptionBudget> podDisruptionBudgets();

  /**
   * Upstream's {@code DefaultSelector}: the merged selectors of the Services that select {@code
   * pod} and of its controller (ReplicationController, ReplicaSet or StatefulSet), for the default
   * topology spread constraints; {@link Selector#EVERYTHING} when there are none.
   */
  Selector defaultSelector(PodInfo pod);

  /** Nothing at all: for plugins under test that read no cluster objects. */
  ClusterObjects EMPTY =
      new ClusterObjects() {
        @Override
        public boolean serves(Kind kind) {
          return false;
        }

        @Override
        public Map<String, String> namespaceLabels(String namespace) {
          return Map.of();
        }

        @Override
        public Set<String> namespacesMatching(Selector selector) {
          return Set.of();
        }

        @Override
        public Pod pod(String namespace, String name) {
          return null;
        }

        @Override
        public PersistentVolumeClaim persistentVolumeClaim(String namespace, String name) {
          return null;
        }

        @Override
        public PersistentVolume persistentVolume(String name) {
          return null;
        }

        @Override
        public List<PersistentVolume> persistentVolumes() {
          return List.of();
        }

        @Override
        public StorageClass storageClass(String name) {
          return null;
        }

        @Override
        public List<PodDisruptionBudget> podDisruptionBudgets() {
          return List.of();
        }

        @Override
        public Selector defaultSelector(PodInfo pod) {
          return Selector.EVERYTHING;
        }
      };
}
