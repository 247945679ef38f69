package io.k8j.controllers.deployment;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.k8j.client.Controller;
import io.k8j.client.DeepCopy;
import io.k8j.client.EventHandlers;
import io.k8j.client.Informer;
import io.k8j.client.InformerFactory;
import io.k8j.client.Keys;
import io.k8j.client.Lister;
import io.k8j.client.ObjectReader;
import io.k8j.client.ObjectWriter;
import io.k8j.client.events.EventRecorder;
import io.k8j.client.queue.WorkQueue;
import io.k8j.common.Clock;
import io.k8j.controllers.shared.ControllerRefManager;
import io.k8j.controllers.shared.LabelSelectors;
import io.k8j.controllers.shared.OwnerReferences;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Rolls Deployments out through ReplicaSets, as upstream's {@code DeploymentController}: it adopts
 * the ReplicaSets its selector matches, and each sync either records a deletion, keeps a paused
 * Deployment's size, applies a change of size, or takes one step of its strategy (RollingUpdate or
 * Recreate).
 */
public final class DeploymentController implements AutoCloseable {
  private final Lister<Deployment> deployments;
  private final Lister<ReplicaSet> replicaSets;
  private final Lister<Pod> pods;
  private final ObjectWriter writer;
  private final ObjectReader reader;
  private final EventRecorder events;
  private final WorkQueue<String> queue;
  private final DeploymentSync sync;
  private final Progress progress;
  private final RollingUpdate rolling;
  private final Recreate recreate;
  private final Controller controller;

  public DeploymentController(
      InformerFactory informers,
      ObjectWriter writer,
      ObjectReader reader,
      EventRecorder events,
      Clock clock) {
    Informer<Deployment> dInformer = informers.forType(Deployment.class);
    Informer<ReplicaSet> rsInformer = informers.forType(ReplicaSet.class);
    Informer<Pod> podInformer = informers.forType(Pod.class);
    this.deployments = dInformer.lister();
    this.replicaSets = rsInformer.lister();
    this.pods = podInformer.lister();
    this.writer = writer;
    this.reader = reader;
    this.events = events;
    this.queue = WorkQueue.forController(clock);
    this.sync = new DeploymentSync(writer, events, clock, replicaSets);
    this.progress = new Progress(sync, queue);
    this.rolling = new RollingUpdate(sync, progress);
    this.recreate = new Recreate(sync, progress);
    this.controller =
        new Controller(
            "deployment-controller",
            queue,
            this::sync,
            List.of(dInformer, rsInformer, podInformer));
    dInformer.addEventHandler(EventHandlers.onEvery(this::enqueue));
    rsInformer.addEventHandler(
        EventHandlers.of(this::addReplicaSet, this::updateReplicaSet, this::deleteReplicaSet));
    podInformer.addEventHandler(EventHandlers.onDelete(this::deletePod));
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

  // Handlers: compute keys and enqueue, nothing else.

  private void enqueue(Deployment d) {
    queue.add(Keys.of(d));
  }

  private void addReplicaSet(ReplicaSet rs) {
    if (rs.getMetadata().getDeletionTimestamp() != null) {
      deleteReplicaSet(rs);
      return;
    }
    OwnerReference ref = OwnerReferences.controllerOf(rs);
    if (ref != null) {
      Deployment d = resolveControllerRef(rs.getMetadata().getNamespace(), ref);
      if (d != null) {
        enqueue(d);
      }
      return;
    }
    deploymentsForReplicaSet(rs).forEach(this::enqueue);
  }

  private void updateReplicaSet(ReplicaSet old, ReplicaSet cur) {
    if (Objects.equals(
        old.getMetadata().getResourceVersion(), cur.getMetadata().getResourceVersion())) {
      return;
    }
    OwnerReference curRef = OwnerReferences.controllerOf(cur);
    OwnerReference oldRef = OwnerReferences.controllerOf(old);
    boolean refChanged = !Objects.equals(curRef, oldRef);
    if (refChanged && oldRef != null) {
      Deployment d = resolveControllerRef(old.getMetadata().getNamespace(), oldRef);
      if (d != null) {
        enqueue(d);
      }
    }
    if (curRef != null) {
      Deployment d = resolveControllerRef(cur.getMetadata().getNamespace(), curRef);
      if (d != null) {
        enqueue(d);
      }
      return;
    }
    boolean labelsChanged =
        !Objects.equals(old.getMetadata().getLabels(), cur.getMetadata().getLabels());
    if (labelsChanged || refChanged) {
      deploymentsForReplicaSet(cur).forEach(this::enqueue);
    }
  }

  private void deleteReplicaSet(ReplicaSet rs) {
    OwnerReference ref = OwnerReferences.controllerOf(rs);
    if (ref == null) {
      return;
    }
    Deployment d = resolveControllerRef(rs.getMetadata().getNamespace(), ref);
    if (d != null) {
      enqueue(d);
    }
  }

  /** A Recreate Deployment waits for its old pods to go; the last one leaving wakes it. */
  private void deletePod(Pod pod) {
    OwnerReference ref = OwnerReferences.controllerOf(pod);
    if (ref == null || !"ReplicaSet".equals(ref.getKind())) {
      return;
    }
    ReplicaSet rs = replicaSets.get(pod.getMetadata().getNamespace(), ref.getName());
    if (rs == null || !Objects.equals(rs.getMetadata().getUid(), ref.getUid())) {
      return;
    }
    OwnerReference dRef = OwnerReferences.controllerOf(rs);
    Deployment d =
        dRef == null ? null : resolveControllerRef(rs.getMetadata().getNamespace(), dRef);
    if (d == null
        || d.getSpec().getStrategy() == null
        || !"Recreate".equals(d.getSpec().getStrategy().getType())) {
      return;
    }
    List<ReplicaSet> owned = new ArrayList<>();
    for (ReplicaSet r : replicaSets.list(d.getMetadata().getNamespace())) {
      OwnerReference o = OwnerReferences.controllerOf(r);
      if (o != null && Objects.equals(o.getUid(), d.getMetadata().getUid())) {
        owned.add(r);
      }
    }
    int numPods = podMap(d, owned).values().stream().mapToInt(List::size).sum();
    if (numPods == 0) {
      enqueue(d);
    }
  }

  private Deployment resolveControllerRef(String namespace, OwnerReference ref) {
    return OwnerReferences.resolve(deployments, DeploymentSync.KIND, namespace, ref);
  }

  private List<Deployment> deploymentsForReplicaSet(ReplicaSet rs) {
    return LabelSelectors.selecting(
        deployments.list(rs.getMetadata().getNamespace()),
        d -> d.getSpec().getSelector(),
        rs.getMetadata().getLabels());
  }

  // The sync.

  /** Upstream's {@code syncDeployment}. */
  void sync(String key) {
    Deployment cached = deployments.get(key);
    if (cached == null) {
      return;
    }
    Deployment d = DeepCopy.of(cached);
    if (LabelSelectors.isEmpty(d.getSpec().getSelector())) {
      events.event(
          d,
          EventRecorder.WARNING,
          "SelectingAll",
          "This deployment is selecting all pods. A non-empty selector is required.");
      long observed =
          d.getStatus() == null || d.getStatus().getObservedGeneration() == null
              ? 0
              : d.getStatus().getObservedGeneration();
      if (observed < d.getMetadata().getGeneration()) {
        DeploymentSync.status(d).setObservedGeneration(d.getMetadata().getGeneration());
        writer.updateStatus(d);
      }
      return;
    }
    List<ReplicaSet> rsList = claimReplicaSets(d);
    Map<String, List<Pod>> podMap = podMap(d, rsList);
    if (d.getMetadata().getDeletionTimestamp() != null) {
      sync.syncStatusOnly(d, rsList);
      return;
    }
    progress.checkPausedConditions(d);
    if (Boolean.TRUE.equals(d.getSpec().getPaused())) {
      sync.sync(d, rsList);
      return;
    }
    if (sync.isScalingEvent(d, rsList)) {
      sync.sync(d, rsList);
      return;
    }
    if (Fenceposts.isRollingUpdate(d)) {
      rolling.rollout(d, rsList);
    } else {
      recreate.rollout(d, rsList, podMap);
    }
  }

  /** Adopts the ReplicaSets the selector matches, releases those it no longer does. */
  private List<ReplicaSet> claimReplicaSets(Deployment d) {
    var manager =
        new ControllerRefManager<ReplicaSet>(
            writer,
            d,
            OwnerReferences.newControllerRef(d, DeploymentSync.API_VERSION, DeploymentSync.KIND),
            rs -> LabelSelectors.matches(d.getSpec().getSelector(), rs.getMetadata().getLabels()),
            () -> {
              Deployment fresh =
                  reader.get(
                      Deployment.class, d.getMetadata().getNamespace(), d.getMetadata().getName());
              return fresh != null
                  && Objects.equals(fresh.getMetadata().getUid(), d.getMetadata().getUid())
                  && fresh.getMetadata().getDeletionTimestamp() == null;
            });
    return manager.claim(replicaSets.list(d.getMetadata().getNamespace()));
  }

  /** The Deployment's pods by the uid of their ReplicaSet (terminated ones too). */
  private Map<String, List<Pod>> podMap(Deployment d, List<ReplicaSet> rsList) {
    Map<String, List<Pod>> map = new HashMap<>();
    for (ReplicaSet rs : rsList) {
      map.put(rs.getMetadata().getUid(), new ArrayList<>());
    }
    for (Pod pod : pods.list(d.getMetadata().getNamespace())) {
      if (!LabelSelectors.matches(d.getSpec().getSelector(), pod.getMetadata().getLabels())) {
        continue;
      }
      OwnerReference ref = OwnerReferences.controllerOf(pod);
      if (ref != null && map.containsKey(ref.getUid())) {
        map.get(ref.getUid()).add(pod);
      }
    }
    return map;
  }
}
