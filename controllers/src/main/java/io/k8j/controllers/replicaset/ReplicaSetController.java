package io.k8j.controllers.replicaset;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.k8j.client.ApiErrors;
import io.k8j.client.Controller;
import io.k8j.client.DeepCopy;
import io.k8j.client.EventHandlers;
import io.k8j.client.Informer;
import io.k8j.client.InformerFactory;
import io.k8j.client.Keys;
import io.k8j.client.Lister;
import io.k8j.client.ObjectReader;
import io.k8j.client.ObjectWriter;
import io.k8j.client.UidTrackingExpectations;
import io.k8j.client.events.EventRecorder;
import io.k8j.client.queue.WorkQueue;
import io.k8j.common.Clock;
import io.k8j.controllers.shared.ActivePodsWithRanks;
import io.k8j.controllers.shared.ControllerRefManager;
import io.k8j.controllers.shared.LabelSelectors;
import io.k8j.controllers.shared.OwnerReferences;
import io.k8j.controllers.shared.PodControl;
import io.k8j.controllers.shared.PodStatuses;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Keeps the number of active pods of each ReplicaSet at spec.replicas, as upstream's {@code
 * ReplicaSetController}: pods are created in slow-start batches (1, 2, 4, ...) and deleted in the
 * {@link ActivePodsWithRanks} order, never more than {@value #BURST_REPLICAS} per sync;
 * expectations hold a ReplicaSet back until the cache has seen its own creations and deletions.
 */
public final class ReplicaSetController implements AutoCloseable {
  /** Upstream's {@code BurstReplicas}: the most pods created or deleted in one sync. */
  static final int BURST_REPLICAS = 500;

  /** Pods by the uid of their controller, for ranking pods of sibling ReplicaSets. */
  static final String CONTROLLER_UID_INDEX = "controllerUID";

  private final ReplicaSetKind kind;
  private final Lister<ReplicaSet> replicaSets;
  private final Lister<Pod> pods;
  private final ObjectWriter writer;
  private final ObjectReader reader;
  private final PodControl podControl;
  private final Clock clock;
  private final UidTrackingExpectations expectations;
  private final WorkQueue<String> queue;
  private final Controller controller;

  public ReplicaSetController(
      ReplicaSetKind kind,
      InformerFactory informers,
      ObjectWriter writer,
      ObjectReader reader,
      EventRecorder events,
      Clock clock) {
    this.kind = kind;
    Informer<ReplicaSet> rsInformer = kind.informer(informers);
    Informer<Pod> podInformer = informers.forType(Pod.class);
    this.replicaSets = rsInformer.lister();
    this.pods = podInformer.lister();
    this.writer = writer;
    this.reader = reader;
    this.podControl = new PodControl(writer, events);
    this.clock = clock;
    this.expectations = new UidTrackingExpectations(clock);
    this.queue = WorkQueue.forController(clock);
    this.controller =
        new Controller(
            kind.kind().toLowerCase() + "-controller",
            queue,
            this::sync,
            List.of(rsInformer, podInformer));
    podInformer.addIndexer(CONTROLLER_UID_INDEX, ReplicaSetController::controllerUid);
    rsInformer.addEventHandler(
        EventHandlers.of(
            this::enqueue,
            (old, cur) -> {
              if (!Objects.equals(old.getMetadata().getUid(), cur.getMetadata().getUid())) {
                deleteReplicaSet(old);
              }
              enqueue(cur);
            },
            this::deleteReplicaSet));
    podInformer.addEventHandler(EventHandlers.of(this::addPod, this::updatePod, this::deletePod));
  }

  public void start(int workers) {
    controller.start(workers);
  }

  @Override
  public void close() {
    controller.close();
  }

  WorkQueue<String> queue() {
    return queue;
  }

  UidTrackingExpectations expectations() {
    return expectations;
  }

  // Handlers: compute keys and enqueue, nothing else.

  private void enqueue(ReplicaSet rs) {
    queue.add(Keys.of(rs));
  }

  private void deleteReplicaSet(ReplicaSet rs) {
    String key = Keys.of(rs);
    expectations.delete(key);
    queue.add(key);
  }

  private void addPod(Pod pod) {
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      deletePod(pod);
      return;
    }
    OwnerReference ref = OwnerReferences.controllerOf(pod);
    if (ref != null) {
      ReplicaSet rs = resolveControllerRef(pod.getMetadata().getNamespace(), ref);
      if (rs != null) {
        expectations.creationObserved(Keys.of(rs));
        enqueue(rs);
      }
      return;
    }
    podReplicaSets(pod).forEach(this::enqueue);
  }

  private void updatePod(Pod old, Pod cur) {
    if (Objects.equals(
        old.getMetadata().getResourceVersion(), cur.getMetadata().getResourceVersion())) {
      return;
    }
    boolean labelsChanged =
        !Objects.equals(old.getMetadata().getLabels(), cur.getMetadata().getLabels());
    if (cur.getMetadata().getDeletionTimestamp() != null) {
      deletePod(cur);
      if (labelsChanged) {
        deletePod(old);
      }
      return;
    }
    OwnerReference curRef = OwnerReferences.controllerOf(cur);
    OwnerReference oldRef = OwnerReferences.controllerOf(old);
    boolean refChanged = !Objects.equals(curRef, oldRef);
    if (refChanged && oldRef != null) {
      ReplicaSet rs = resolveControllerRef(old.getMetadata().getNamespace(), oldRef);
      if (rs != null) {
        enqueue(rs);
      }
    }
    if (curRef != null) {
      ReplicaSet rs = resolveControllerRef(cur.getMetadata().getNamespace(), curRef);
      if (rs == null) {
        return;
      }
      enqueue(rs);
      int minReady = minReadySeconds(rs);
      if (!PodStatuses.isReady(old) && PodStatuses.isReady(cur) && minReady > 0) {
        queue.addAfter(Keys.of(rs), Duration.ofSeconds(minReady + 1L));
      }
      return;
    }
    if (labelsChanged || refChanged) {
      podReplicaSets(cur).forEach(this::enqueue);
    }
  }

  private void deletePod(Pod pod) {
    OwnerReference ref = OwnerReferences.controllerOf(pod);
    if (ref == null) {
      return;
    }
    ReplicaSet rs = resolveControllerRef(pod.getMetadata().getNamespace(), ref);
    if (rs == null) {
      return;
    }
    String key = Keys.of(rs);
    expectations.deletionObserved(key, Keys.of(pod));
    queue.add(key);
  }

  private ReplicaSet resolveControllerRef(String namespace, OwnerReference ref) {
    return OwnerReferences.resolve(replicaSets, kind.kind(), namespace, ref);
  }

  /** The ReplicaSets whose selector matches the pod (orphans look for a new owner). */
  private List<ReplicaSet> podReplicaSets(Pod pod) {
    return LabelSelectors.selecting(
        replicaSets.list(pod.getMetadata().getNamespace()),
        rs -> rs.getSpec().getSelector(),
        pod.getMetadata().getLabels());
  }

  private static List<String> controllerUid(Pod pod) {
    OwnerReference ref = OwnerReferences.controllerOf(pod);
    return ref == null ? List.of() : List.of(ref.getUid());
  }

  // The sync.

  /** Brings one ReplicaSet's pods and status in line with its spec. */
  void sync(String key) {
    ReplicaSet rs = replicaSets.get(key);
    if (rs == null) {
      expectations.delete(key);
      return;
    }
    boolean needsSync = expectations.satisfied(key);
    String ns = rs.getMetadata().getNamespace();
    List<Pod> active = pods.list(ns).stream().filter(PodStatuses::isActive).toList();
    List<Pod> owned = claimPods(rs, active);
    RuntimeException manageError = null;
    if (needsSync && rs.getMetadata().getDeletionTimestamp() == null) {
      try {
        manageReplicas(key, owned, rs);
      } catch (RuntimeException e) {
        manageError = e;
      }
    }
    ReplicaSetStatus status = ReplicaSetStatuses.calculate(rs, owned, manageError, clock.now());
    updateStatus(rs, status);
    int minReady = minReadySeconds(rs);
    if (manageError == null
        && minReady > 0
        && status.getReadyReplicas() == replicas(rs)
        && status.getAvailableReplicas() != replicas(rs)) {
      queue.addAfter(key, Duration.ofSeconds(minReady));
    }
    if (manageError != null) {
      throw manageError;
    }
  }

  private List<Pod> claimPods(ReplicaSet rs, List<Pod> candidates) {
    OwnerReference ref = OwnerReferences.newControllerRef(rs, kind.apiVersion(), kind.kind());
    var manager =
        new ControllerRefManager<Pod>(
            writer,
            kind.original(rs),
            ref,
            pod ->
                LabelSelectors.matches(rs.getSpec().getSelector(), pod.getMetadata().getLabels()),
            () -> {
              ReplicaSet fresh =
                  kind.getLive(reader, rs.getMetadata().getNamespace(), rs.getMetadata().getName());
              return fresh != null
                  && Objects.equals(fresh.getMetadata().getUid(), rs.getMetadata().getUid())
                  && fresh.getMetadata().getDeletionTimestamp() == null;
            });
    return manager.claim(candidates);
  }

  private void manageReplicas(String key, List<Pod> owned, ReplicaSet rs) {
    int diff = owned.size() - replicas(rs);
    HasMetadata original = kind.original(rs);
    if (diff < 0) {
      int toCreate = Math.min(-diff, BURST_REPLICAS);
      expectations.expectCreations(key, toCreate);
      OwnerReference ref = OwnerReferences.newControllerRef(rs, kind.apiVersion(), kind.kind());
      SlowStart.Result r =
          SlowStart.run(
              toCreate, () -> podControl.createPod(rs.getSpec().getTemplate(), original, ref));
      for (int i = 0; i < toCreate - r.successes(); i++) {
        expectations.creationObserved(key);
      }
      if (r.error() != null && !isNamespaceTerminating(r.error())) {
        throw r.error();
      }
    } else if (diff > 0) {
      int toDelete = Math.min(diff, BURST_REPLICAS);
      List<Pod> victims = podsToDelete(owned, relatedPods(rs), toDelete);
      expectations.deleteAll(key, victims, pod -> podControl.deletePod(pod, original));
    }
  }

  private static boolean isNamespaceTerminating(RuntimeException e) {
    return ApiErrors.code(e) == 403 && String.valueOf(e.getMessage()).contains("being terminated");
  }

  /** The active pods of this ReplicaSet and of the others with the same controller. */
  private List<Pod> relatedPods(ReplicaSet rs) {
    OwnerReference owner = OwnerReferences.controllerOf(rs);
    List<ReplicaSet> related = new ArrayList<>();
    if (owner == null) {
      related.add(rs);
    } else {
      for (ReplicaSet other : replicaSets.list(rs.getMetadata().getNamespace())) {
        OwnerReference o = OwnerReferences.controllerOf(other);
        if (o != null && Objects.equals(o.getUid(), owner.getUid())) {
          related.add(other);
        }
      }
    }
    List<Pod> out = new ArrayList<>();
    for (ReplicaSet r : related) {
      for (Pod p : pods.byIndex(CONTROLLER_UID_INDEX, r.getMetadata().getUid())) {
        if (PodStatuses.isActive(p)) {
          out.add(p);
        }
      }
    }
    return out;
  }

  private List<Pod> podsToDelete(List<Pod> owned, List<Pod> related, int diff) {
    if (diff >= owned.size()) {
      return owned;
    }
    Map<String, Integer> onNode = new HashMap<>();
    for (Pod p : related) {
      String node = PodStatuses.nodeName(p);
      if (!node.isEmpty()) {
        onNode.merge(node, 1, Integer::sum);
      }
    }
    Map<Pod, Integer> ranks = new IdentityHashMap<>();
    for (Pod p : owned) {
      ranks.put(p, onNode.getOrDefault(PodStatuses.nodeName(p), 0));
    }
    List<Pod> sorted = new ArrayList<>(owned);
    sorted.sort(new ActivePodsWithRanks(ranks, clock.now()));
    return sorted.subList(0, diff);
  }

  private void updateStatus(ReplicaSet rs, ReplicaSetStatus status) {
    if (ReplicaSetStatuses.unchanged(rs, status)) {
      return;
    }
    status.setObservedGeneration(rs.getMetadata().getGeneration());
    ReplicaSet next = DeepCopy.of(rs);
    next.setStatus(status);
    try {
      writer.updateStatus(kind.original(next));
    } catch (RuntimeException e) {
      if (ApiErrors.isNotFound(e)) {
        return;
      }
      if (!ApiErrors.isConflict(e)) {
        throw e;
      }
      ReplicaSet fresh =
          kind.getLive(reader, rs.getMetadata().getNamespace(), rs.getMetadata().getName());
      if (fresh == null) {
        return;
      }
      fresh.setStatus(status);
      writer.updateStatus(kind.original(fresh));
    }
  }

  static int replicas(ReplicaSet rs) {
    return rs.getSpec().getReplicas() == null ? 1 : rs.getSpec().getReplicas();
  }

  static int minReadySeconds(ReplicaSet rs) {
    return rs.getSpec().getMinReadySeconds() == null ? 0 : rs.getSpec().getMinReadySeconds();
  }
}
