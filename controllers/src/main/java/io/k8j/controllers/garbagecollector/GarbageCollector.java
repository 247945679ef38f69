package io.k8j.controllers.garbagecollector;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.k8j.client.ApiErrors;
import io.k8j.client.ApiResource;
import io.k8j.client.Controller;
import io.k8j.client.DeepCopy;
import io.k8j.client.Deletion;
import io.k8j.client.DynamicClient;
import io.k8j.client.InformerFactory;
import io.k8j.client.queue.WorkQueue;
import io.k8j.common.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes what nothing owns any more, as upstream's {@code GarbageCollector}. Two queues of graph
 * nodes (by uid): <b>attemptToDelete</b> looks at one object, reads it and its owners afresh from
 * the API server, and deletes it when no owner is left (with the propagation its own finalizers ask
 * for), deletes it in the foreground when owners wait for it, or, for an owner deleted in the
 * foreground, removes the {@code foregroundDeletion} finalizer once no blocking dependent is left;
 * <b>attemptToOrphan</b> removes an owner's references from its dependents, then its {@code orphan}
 * finalizer.
 */
public final class GarbageCollector implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GarbageCollector.class);

  /** Resources the collector does not watch, as upstream: events. */
  static final Set<String> IGNORED = Set.of("/events", "events.k8s.io/events");

  private final InformerFactory informers;
  private final DynamicClient dynamic;
  private final Duration resyncPeriod;
  private final Clock clock;
  private final ResourceMapper mapper = new ResourceMapper();
  private final WorkQueue<String> attemptToDelete;
  private final WorkQueue<String> attemptToOrphan;
  private final GraphBuilder graph;
  private Controller deleter;
  private Controller orphaner;
  private Thread resync;
  private volatile boolean closed;

  public GarbageCollector(
      InformerFactory informers, DynamicClient dynamic, Clock clock, Duration resyncPeriod) {
    this.informers = informers;
    this.dynamic = dynamic;
    this.clock = clock;
    this.resyncPeriod = resyncPeriod;
    this.attemptToDelete = WorkQueue.forController(clock);
    this.attemptToOrphan = WorkQueue.forController(clock);
    this.graph = new GraphBuilder(informers, attemptToDelete, attemptToOrphan);
  }

  GraphBuilder graph() {
    return graph;
  }

  WorkQueue<String> attemptToDeleteQueue() {
    return attemptToDelete;
  }

  WorkQueue<String> attemptToOrphanQueue() {
    return attemptToOrphan;
  }

  /** Reads discovery and monitors every deletable resource not monitored yet. */
  void syncMonitors() {
    List<ApiResource> resources = dynamic.discover();
    mapper.update(resources);
    List<ApiResource> deletable = new ArrayList<>();
    for (ApiResource r : resources) {
      if (r.supports("delete")
          && r.supports("list")
          && r.supports("watch")
          && !IGNORED.contains(r.group() + "/" + r.plural())) {
        deletable.add(r);
      }
    }
    graph.syncMonitors(deletable);
  }

  /** Starts monitoring, then {@code workers} workers for each queue once every monitor synced. */
  public synchronized void start(int workers) {
    syncMonitors();
    graph.start();
    deleter =
        new Controller(
            "garbage-collector-attempt-to-delete",
            attemptToDelete,
            this::attemptToDeleteItem,
            graph.monitors());
    orphaner =
        new Controller(
            "garbage-collector-attempt-to-orphan",
            attemptToOrphan,
            this::attemptToOrphan,
            graph.monitors());
    deleter.start(workers);
    orphaner.start(workers);
    resync = Thread.ofVirtual().name("garbage-collector-resync").start(this::resyncLoop);
  }

  private void resyncLoop() {
    while (!closed) {
      try {
        clock.sleep(resyncPeriod);
        syncMonitors();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.warn("garbage collector: reading discovery failed: {}", e.toString());
      }
    }
  }

  // attemptToDelete

  void attemptToDeleteItem(String uid) {
    Node item = graph.node(uid);
    if (item == null) {
      return;
    }
    if (attemptToDelete(item) && !item.observed) {
      // A virtual node the informers have not confirmed yet: look again later, so that one
      // created and deleted while a watch was down does not stay in the graph.
      attemptToDelete.addRateLimited(uid);
    }
  }

  /** False when the item turned out not to exist (the graph was told). */
  private boolean attemptToDelete(Node item) {
    if (item.beingDeleted && !item.deletingDependents) {
      return true;
    }
    Identity id = item.identity;
    ApiResource resource = mapper.resourceFor(id.apiVersion(), id.kind());
    if (resource == null) {
      throw new IllegalStateException("no resource serves " + id.kind() + " in " + id.apiVersion());
    }
    GenericKubernetesResource latest = dynamic.get(resource, id.namespace(), id.name());
    if (latest == null || !Objects.equals(latest.getMetadata().getUid(), id.uid())) {
      graph.enqueueVirtualDeleteEvent(id);
      return false;
    }
    if (item.deletingDependents) {
      processDeletingDependents(item, resource);
      return true;
    }
    List<OwnerReference> owners = latest.getMetadata().getOwnerReferences();
    if (owners == null || owners.isEmpty()) {
      return true;
    }
    List<OwnerReference> solid = new ArrayList<>();
    List<OwnerReference> dangling = new ArrayList<>();
    List<OwnerReference> waiting = new ArrayList<>();
    for (OwnerReference ref : owners) {
      ApiResource ownerResource = mapper.resourceFor(ref.getApiVersion(), ref.getKind());
      if (ownerResource == null) {
        throw new IllegalStateException(
            "no resource serves owner kind " + ref.getKind() + " in " + ref.getApiVersion());
      }
      if (ownerResource.namespaced() && !resource.namespaced()) {
        LOG.warn(
            "garbage collector: cluster-scoped {} names a namespaced owner {}", id, ref.getKind());
        return true;
      }
      GenericKubernetesResource owner = ownerOf(ref, ownerResource, id);
      if (owner == null) {
        dangling.add(ref);
      } else if (owner.getMetadata().getDeletionTimestamp() != null
          && GraphBuilder.hasFinalizer(owner, GraphBuilder.FOREGROUND)) {
        waiting.add(ref);
      } else {
        solid.add(ref);
      }
    }
    if (!solid.isEmpty()) {
      if (dangling.isEmpty() && waiting.isEmpty()) {
        return true;
      }
      List<String> gone = new ArrayList<>();
      dangling.forEach(r -> gone.add(r.getUid()));
      waiting.forEach(r -> gone.add(r.getUid()));
      removeOwnerReferences(resource, latest, gone);
      return true;
    }
    if (!waiting.isEmpty() && !item.dependents.isEmpty()) {
      for (Node dep : item.dependents()) {
        if (dep.deletingDependents) {
          unblockOwnerReferences(resource, latest);
          break;
        }
      }
      delete(resource, id, "Foreground");
      return true;
    }
    String policy =
        GraphBuilder.hasFinalizer(latest, GraphBuilder.ORPHAN)
            ? "Orphan"
            : GraphBuilder.hasFinalizer(latest, GraphBuilder.FOREGROUND)
                ? "Foreground"
                : "Background";
    delete(resource, id, policy);
    return true;
  }

  /** The owner as stored now, or null when it is gone (or another object took its name). */
  private GenericKubernetesResource ownerOf(
      OwnerReference ref, ApiResource ownerResource, Identity dependent) {
    Identity ownerId =
        Identity.ofOwner(ref, ownerResource.namespaced() ? dependent.namespace() : null);
    if (graph.isAbsent(ownerId)) {
      return null;
    }
    GenericKubernetesResource owner =
        dynamic.get(ownerResource, ownerId.namespace(), ref.getName());
    if (owner == null || !Objects.equals(owner.getMetadata().getUid(), ref.getUid())) {
      graph.markAbsent(ownerId);
      return null;
    }
    return owner;
  }

  private void processDeletingDependents(Node item, ApiResource resource) {
    List<Node> blocking = item.blockingDependents();
    if (blocking.isEmpty()) {
      removeFinalizer(resource, item.identity, GraphBuilder.FOREGROUND);
      return;
    }
    for (Node dep : blocking) {
      if (!dep.deletingDependents) {
        attemptToDelete.add(dep.uid());
      }
    }
  }

  private void delete(ApiResource resource, Identity id, String policy) {
    LOG.debug("garbage collector: deleting {} ({})", id, policy);
    dynamic.delete(
        resource,
        id.namespace(),
        id.name(),
        Deletion.propagation(policy).withPreconditionUid(id.uid()));
  }

  /** Removes the references to {@code ownerUids}, only from this very object. */
  private void removeOwnerReferences(
      ApiResource resource, GenericKubernetesResource obj, List<String> ownerUids) {
    List<OwnerReference> refs = obj.getMetadata().getOwnerReferences();
    List<Map<String, Object>> ops = new ArrayList<>();
    ops.add(Map.of("op", "test", "path", "/metadata/uid", "value", obj.getMetadata().getUid()));
    for (int i = refs.size() - 1; i >= 0; i--) {
      if (ownerUids.contains(refs.get(i).getUid())) {
        ops.add(
            Map.of(
                "op",
                "test",
                "path",
                "/metadata/ownerReferences/" + i + "/uid",
                "value",
                refs.get(i).getUid()));
        ops.add(Map.of("op", "remove", "path", "/metadata/ownerReferences/" + i));
      }
    }
    dynamic.jsonPatch(
        resource,
        obj.getMetadata().getNamespace(),
        obj.getMetadata().getName(),
        DeepCopy.serialization().asJson(ops));
  }

  /** Sets blockOwnerDeletion=false on the object's references (breaks a foreground cycle). */
  private void unblockOwnerReferences(ApiResource resource, GenericKubernetesResource obj) {
    List<OwnerReference> refs = obj.getMetadata().getOwnerReferences();
    List<Map<String, Object>> ops = new ArrayList<>();
    for (int i = 0; i < refs.size(); i++) {
      if (Boolean.TRUE.equals(refs.get(i).getBlockOwnerDeletion())) {
        ops.add(
            Map.of(
                "op",
                "test",
                "path",
                "/metadata/ownerReferences/" + i + "/uid",
                "value",
                refs.get(i).getUid()));
        ops.add(
            Map.of(
                "op",
                "replace",
                "path",
                "/metadata/ownerReferences/" + i + "/blockOwnerDeletion",
                "value",
                false));
      }
    }
    if (!ops.isEmpty()) {
      dynamic.jsonPatch(
          resource,
          obj.getMetadata().getNamespace(),
          obj.getMetadata().getName(),
          DeepCopy.serialization().asJson(ops));
    }
  }

  /** Removes a finalizer, retrying on conflicts with fresh reads; nothing if the object is gone. */
  private void removeFinalizer(ApiResource resource, Identity id, String finalizer) {
    for (int attempt = 0; ; attempt++) {
      GenericKubernetesResource cur = dynamic.get(resource, id.namespace(), id.name());
      if (cur == null
          || !Objects.equals(cur.getMetadata().getUid(), id.uid())
          || !GraphBuilder.hasFinalizer(cur, finalizer)) {
        return;
      }
      List<String> kept = new ArrayList<>(cur.getMetadata().getFinalizers());
      kept.remove(finalizer);
      String patch =
          DeepCopy.serialization()
              .asJson(
                  Map.of(
                      "metadata",
                      Map.of(
                          "finalizers",
                          kept,
                          "resourceVersion",
                          cur.getMetadata().getResourceVersion())));
      try {
        dynamic.patch(resource, id.namespace(), id.name(), patch);
        return;
      } catch (RuntimeException e) {
        if (!ApiErrors.isConflict(e) || attempt >= 4) {
          throw e;
        }
      }
    }
  }

  // attemptToOrphan

  void attemptToOrphan(String uid) {
    Node owner = graph.node(uid);
    if (owner == null) {
      return;
    }
    RuntimeException first = null;
    for (Node dep : owner.dependents()) {
      try {
        orphan(dep, owner.uid());
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
    ApiResource resource = mapper.resourceFor(owner.identity.apiVersion(), owner.identity.kind());
    if (resource != null) {
      removeFinalizer(resource, owner.identity, GraphBuilder.ORPHAN);
    }
  }

  private void orphan(Node dependent, String ownerUid) {
    Identity id = dependent.identity;
    ApiResource resource = mapper.resourceFor(id.apiVersion(), id.kind());
    if (resource == null) {
      return;
    }
    GenericKubernetesResource cur = dynamic.get(resource, id.namespace(), id.name());
    if (cur == null || !Objects.equals(cur.getMetadata().getUid(), id.uid())) {
      return;
    }
    boolean referenced =
        cur.getMetadata().getOwnerReferences().stream().anyMatch(r -> ownerUid.equals(r.getUid()));
    if (referenced) {
      removeOwnerReferences(resource, cur, List.of(ownerUid));
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (resync != null) {
      resync.interrupt();
    }
    if (deleter != null) {
      deleter.close();
      orphaner.close();
    }
    graph.stop();
  }
}
