package io.k8j.scheduler.internal;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.k8j.scheduler.framework.ClusterObjects;
import io.k8j.scheduler.framework.PodInfo;
import io.k8j.scheduler.framework.Selector;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster objects plugins read, from informers started for the kinds the API server serves
 * (asked through discovery); a kind it does not serve reads as empty, and the report of the
 * scheduler's start says which were missing.
 */
final class InformerObjects implements ClusterObjects, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(InformerObjects.class);

  private final KubernetesClient client;
  private final Set<Kind> served = EnumSet.noneOf(Kind.class);
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private SharedIndexInformer<Pod> pods;
  private SharedIndexInformer<Namespace> namespaces;
  private SharedIndexInformer<Service> services;
  private SharedIndexInformer<ReplicationController> rcs;
  private SharedIndexInformer<ReplicaSet> rss;
  private SharedIndexInformer<StatefulSet> sss;
  private SharedIndexInformer<PersistentVolume> pvs;
  private SharedIndexInformer<PersistentVolumeClaim> pvcs;
  private SharedIndexInformer<StorageClass> storageClasses;
  private SharedIndexInformer<PodDisruptionBudget> pdbs;
  private SharedIndexInformer<PriorityClass> priorityClasses;

  InformerObjects(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Creates the informers (not yet started), with {@code handlers} for the kinds whose changes move
   * pods in the queue.
   */
  void create(Map<Class<?>, ResourceEventHandler<?>> handlers) {
    namespaces = add(client.namespaces().runnableInformer(0), handlers.get(Namespace.class));
    services = add(client.services().inAnyNamespace().runnableInformer(0), null);
    rcs = add(client.replicationControllers().inAnyNamespace().runnableInformer(0), null);
    if (supports(ReplicaSet.class, Kind.REPLICA_SET)) {
      rss = add(client.apps().replicaSets().inAnyNamespace().runnableInformer(0), null);
    }
    if (supports(StatefulSet.class, Kind.STATEFUL_SET)) {
      sss = add(client.apps().statefulSets().inAnyNamespace().runnableInformer(0), null);
    }
    if (supports(PersistentVolume.class, Kind.PERSISTENT_VOLUME)) {
      pvs =
          add(client.persistentVolumes().runnableInformer(0), handlers.get(PersistentVolume.class));
    }
    if (supports(PersistentVolumeClaim.class, Kind.PERSISTENT_VOLUME_CLAIM)) {
      pvcs =
          add(
              client.persistentVolumeClaims().inAnyNamespace().runnableInformer(0),
              handlers.get(PersistentVolumeClaim.class));
    }
    if (supports(StorageClass.class, Kind.STORAGE_CLASS)) {
      storageClasses =
          add(
              client.storage().v1().storageClasses().runnableInformer(0),
              handlers.get(StorageClass.class));
    }
    if (supports(PodDisruptionBudget.class, Kind.POD_DISRUPTION_BUDGET)) {
      pdbs =
          add(
              client.policy().v1().podDisruptionBudget().inAnyNamespace().runnableInformer(0),
              null);
    }
    if (supports(PriorityClass.class, Kind.PRIORITY_CLASS)) {
      priorityClasses = add(client.scheduling().v1().priorityClasses().runnableInformer(0), null);
    }
    Set<Kind> missing = EnumSet.allOf(Kind.class);
    missing.removeAll(served);
    if (!missing.isEmpty()) {
      log.info("the API server does not serve {}; the plugins that read them see none", missing);
    }
  }

  /** The pods informer, made by the scheduler with its own handler; used for {@link #pod}. */
  void setPods(SharedIndexInformer<Pod> podInformer) {
    this.pods = podInformer;
  }

  private boolean supports(Class<? extends HasMetadata> type, Kind kind) {
    try {
      if (client.supports(type)) {
        served.add(kind);
        return true;
      }
    } catch (RuntimeException e) {
      log.debug("discovery of {} failed", type.getSimpleName(), e);
    }
    return false;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private <T> SharedIndexInformer<T> add(SharedIndexInformer<T> inf, ResourceEventHandler<?> h) {
    if (h != null) {
      inf.addEventHandler((ResourceEventHandler) h);
    }
    informers.add(inf);
    return inf;
  }

  /** Starts the informers and waits until each has listed. */
  void startAndSync(long timeoutSeconds) throws Exception {
    List<CompletableFuture<Void>> synced = new ArrayList<>();
    for (SharedIndexInformer<?> i : informers) {
      synced.add(i.start().toCompletableFuture());
    }
    CompletableFuture.allOf(synced.toArray(CompletableFuture[]::new))
        .get(timeoutSeconds, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::stop);
  }

  @Override
  public boolean serves(Kind kind) {
    return served.contains(kind);
  }

  @Override
  public Map<String, String> namespaceLabels(String namespace) {
    Namespace ns = namespaces == null ? null : namespaces.getIndexer().getByKey(namespace);
    if (ns == null || ns.getMetadata().getLabels() == null) {
      return Map.of();
    }
    return ns.getMetadata().getLabels();
  }

  @Override
  public Set<String> namespacesMatching(Selector selector) {
    Set<String> out = new HashSet<>();
    if (namespaces == null) {
      return out;
    }
    for (Namespace ns : namespaces.getIndexer().list()) {
      Map<String, String> labels = ns.getMetadata().getLabels();
      if (selector.matches(labels == null ? Map.of() : labels)) {
        out.add(ns.getMetadata().getName());
      }
    }
    return out;
  }

  @Override
  public Pod pod(String namespace, String name) {
    return pods == null ? null : pods.getIndexer().getByKey(namespace + "/" + name);
  }

  @Override
  public PersistentVolumeClaim persistentVolumeClaim(String namespace, String name) {
    return pvcs == null ? null : pvcs.getIndexer().getByKey(namespace + "/" + name);
  }

  @Override
  public PersistentVolume persistentVolume(String name) {
    return pvs == null ? null : pvs.getIndexer().getByKey(name);
  }

  @Override
  public List<PersistentVolume> persistentVolumes() {
    return pvs == null ? List.of() : pvs.getIndexer().list();
  }

  @Override
  public StorageClass storageClass(String name) {
    return storageClasses == null ? null : storageClasses.getIndexer().getByKey(name);
  }

  @Override
  public List<PodDisruptionBudget> podDisruptionBudgets() {
    return pdbs == null ? List.of() : pdbs.getIndexer().list();
  }

  /** The value of a PriorityClass, or null when it is unknown. */
  Integer priorityClassValue(String name) {
    if (priorityClasses == null) {
      return null;
    }
    PriorityClass pc = priorityClasses.getIndexer().getByKey(name);
    return pc == null ? null : pc.getValue();
  }

  /** The value of the PriorityClass marked {@code globalDefault}, or null. */
  Integer globalDefaultPriority() {
    if (priorityClasses == null) {
      return null;
    }
    for (PriorityClass pc : priorityClasses.getIndexer().list()) {
      if (Boolean.TRUE.equals(pc.getGlobalDefault())) {
        return pc.getValue();
      }
    }
    return null;
  }

  @Override
  public Selector defaultSelector(PodInfo pod) {
    Map<String, String> merged = new HashMap<>();
    if (services != null) {
      for (Service s : services.getIndexer().byIndex("namespace", pod.namespace())) {
        Map<String, String> sel = s.getSpec() == null ? null : s.getSpec().getSelector();
        if (sel != null && !sel.isEmpty() && Selector.ofLabels(sel).matches(pod.labels())) {
          merged.putAll(sel);
        }
      }
    }
    Selector selector = Selector.ofLabels(merged);
    OwnerReference owner = controllerOf(pod.pod());
    if (owner == null) {
      return selector;
    }
    String key = pod.namespace() + "/" + owner.getName();
    switch (owner.getKind()) {
      case "ReplicationController" -> {
        ReplicationController rc = rcs == null ? null : rcs.getIndexer().getByKey(key);
        if (rc != null && rc.getSpec() != null && rc.getSpec().getSelector() != null) {
          merged.putAll(rc.getSpec().getSelector());
          selector = Selector.ofLabels(merged);
        }
      }
      case "ReplicaSet" -> {
        ReplicaSet rs = rss == null ? null : rss.getIndexer().getByKey(key);
        if (rs != null && rs.getSpec() != null) {
          selector = and(selector, Selector.of(rs.getSpec().getSelector()));
        }
      }
      case "StatefulSet" -> {
        StatefulSet ss = sss == null ? null : sss.getIndexer().getByKey(key);
        if (ss != null && ss.getSpec() != null) {
          selector = and(selector, Selector.of(ss.getSpec().getSelector()));
        }
      }
      default -> {}
    }
    return selector;
  }

  private static Selector and(Selector a, Selector b) {
    if (b.isNothing() || b.isEverything()) {
      return a;
    }
    Selector out = a;
    for (Selector.Requirement r : b.requirements()) {
      out = out.and(r);
    }
    return out;
  }

  private static OwnerReference controllerOf(Pod p) {
    if (p.getMetadata().getOwnerReferences() == null) {
      return null;
    }
    for (OwnerReference r : p.getMetadata().getOwnerReferences()) {
      if (Boolean.TRUE.equals(r.getController())) {
        return r;
      }
    }
    return null;
  }
}
