package io.k8j.controllers.garbagecollector;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.k8j.client.ApiResource;
import io.k8j.client.Informer;
import io.k8j.client.InformerFactory;
import io.k8j.client.queue.WorkQueue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the ownership graph from informers on every deletable resource, as upstream's {@code
 * GraphBuilder}: informer events go through one queue and are applied by one thread, which adds
 * virtual nodes for owners it has not seen, and hands nodes to the collector's queues when their
 * dependents must be deleted (an owner gone, an owner deleted in the foreground) or orphaned.
 */
final class GraphBuilder {
  private static final Logger LOG = LoggerFactory.getLogger(GraphBuilder.class);
  static final String FOREGROUND = "foregroundDeletion";
  static final String ORPHAN = "orphan";
  private static final int ABSENT_CACHE_SIZE = 500;

  enum Type {
    ADD,
    UPDATE,
    DELETE
  }

  /** A change to apply; {@code virtual} deletes come from the collector, not from an informer. */
  record Event(
      Type type,
      Identity identity,
      GenericKubernetesResource obj,
      GenericKubernetesResource old,
      boolean virtual) {}

  private final InformerFactory informers;
  private final WorkQueue<String> attemptToDelete;
  private final WorkQueue<String> attemptToOrphan;
  private final Map<String, Node> uidToNode = new ConcurrentHashMap<>();
  private final LinkedBlockingQueue<Event> graphChanges = new LinkedBlockingQueue<>();
  private final Set<String> monitored = ConcurrentHashMap.newKeySet();
  private final List<Informer<?>> monitors = new CopyOnWriteArrayList<>();
  private final Set<Identity> absentOwners =
      Collections.synchronizedSet(
          Collections.newSetFromMap(
              new LinkedHashMap<>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Identity, Boolean> e) {
                  return size() > ABSENT_CACHE_SIZE;
                }
              }));
  private volatile Thread processor;

  GraphBuilder(
      InformerFactory informers,
      WorkQueue<String> attemptToDelete,
      WorkQueue<String> attemptToOrphan) {
    this.informers = informers;
    this.attemptToDelete = attemptToDelete;
    this.attemptToOrphan = attemptToOrphan;
  }

  /** Starts monitoring resources not monitored yet. */
  void syncMonitors(List<ApiResource> deletable) {
    for (ApiResource r : deletable) {
      if (!monitored.add(r.apiVersion() + "/" + r.plural())) {
        continue;
      }
      Informer<GenericKubernetesResource> informer = informers.forResource(r);
      informer.addEventHandler(
          new ResourceEventHandler<>() {
            @Override
            public void onAdd(GenericKubernetesResource obj) {
              graphChanges.add(new Event(Type.ADD, identity(r, obj), obj, null, false));
            }

            @Override
            public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource obj) {
              graphChanges.add(new Event(Type.UPDATE, identity(r, obj), obj, old, false));
            }

            @Override
            public void onDelete(GenericKubernetesResource obj, boolean unknown) {
              graphChanges.add(new Event(Type.DELETE, identity(r, obj), obj, null, false));
            }
          });
      monitors.add(informer);
      LOG.debug("garbage collector monitors {}", r.groupKind());
    }
  }

  List<Informer<?>> monitors() {
    return List.copyOf(monitors);
  }

  boolean hasSynced() {
    return monitors.stream().allMatch(Informer::hasSynced);
  }

  static Identity identity(ApiResource r, GenericKubernetesResource obj) {
    return new Identity(
        r.apiVersion(),
        r.kind(),
        r.namespaced() ? obj.getMetadata().getNamespace() : null,
        obj.getMetadata().getName(),
        obj.getMetadata().getUid());
  }

  Node node(String uid) {
    return uidToNode.get(uid);
  }

  boolean isAbsent(Identity id) {
    return absentOwners.contains(id);
  }

  void markAbsent(Identity id) {
    absentOwners.add(id);
  }

  /** Tells the graph that the API server has no object with this identity. */
  void enqueueVirtualDeleteEvent(Identity id) {
    graphChanges.add(new Event(Type.DELETE, id, null, null, true));
  }

  void start() {
    processor =
        Thread.ofVirtual()
            .name("garbage-collector-graph-builder")
            .start(
                () -> {
                  try {
                    while (!Thread.currentThread().isInterrupted()) {
                      process(graphChanges.take());
                    }
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
  }

  void stop() {
    Thread t = processor;
    if (t != null) {
      t.interrupt();
    }
  }

  /** Applies every change queued so far, on the caller's thread (for tests). */
  void drain() {
    Event e;
    while ((e = graphChanges.poll()) != null) {
      process(e);
    }
  }

  private void process(Event event) {
    try {
      processGraphChange(event);
    } catch (RuntimeException e) {
      LOG.warn(
          "garbage collector: applying {} of {} failed: {}",
          event.type(),
          event.identity(),
          e.toString());
    }
  }

  private void processGraphChange(Event event) {
    Identity id = event.identity();
    Node existing = uidToNode.get(id.uid());
    if (existing != null && !event.virtual() && !existing.observed) {
      if (!existing.identity.equals(id)) {
        for (Node dep : existing.dependents()) {
          attemptToDelete.add(dep.uid());
        }
        existing.identity = id;
      }
      existing.observed = true;
      existing.virtual = false;
    }
    if (event.type() != Type.DELETE) {
      GenericKubernetesResource obj = event.obj();
      List<OwnerReference> owners = List.copyOf(obj.getMetadata().getOwnerReferences());
      boolean beingDeleted = obj.getMetadata().getDeletionTimestamp() != null;
      if (existing == null) {
        Node n = new Node(id);
        n.owners = owners;
        n.beingDeleted = beingDeleted;
        n.deletingDependents = beingDeleted && hasFinalizer(obj, FOREGROUND);
        n.observed = true;
        uidToNode.put(id.uid(), n);
        addDependentToOwners(n, owners);
        processTransitions(event.old(), obj, n);
      } else {
        List<OwnerReference> before = existing.owners;
        if (!before.equals(owners)) {
          addUnblockedOwnersToDeleteQueue(before, owners);
          existing.owners = owners;
          addDependentToOwners(existing, added(before, owners));
          removeDependentFromOwners(existing, removed(before, owners));
        }
        if (beingDeleted) {
          existing.beingDeleted = true;
        }
        processTransitions(event.old(), obj, existing);
      }
      return;
    }
    if (existing == null) {
      return;
    }
    if (event.virtual() && !existing.virtual && !existing.identity.equals(id)) {
      // The informer saw this uid elsewhere than the dependents said: only those dependents lose
      // their owner.
      absentOwners.add(id);
      for (Node dep : existing.dependents()) {
        attemptToDelete.add(dep.uid());
      }
      return;
    }
    uidToNode.remove(id.uid());
    removeDependentFromOwners(existing, existing.owners);
    if (!existing.dependents.isEmpty()) {
      absentOwners.add(id);
    }
    for (Node dep : existing.dependents()) {
      attemptToDelete.add(dep.uid());
    }
    for (OwnerReference owner : existing.owners) {
      Node ownerNode = uidToNode.get(owner.getUid());
      if (ownerNode != null && ownerNode.deletingDependents) {
        attemptToDelete.add(ownerNode.uid());
      }
    }
  }

  private void processTransitions(
      GenericKubernetesResource old, GenericKubernetesResource obj, Node n) {
    if (startsWaiting(old, obj, ORPHAN)) {
      attemptToOrphan.add(n.uid());
      return;
    }
    if (startsWaiting(old, obj, FOREGROUND)) {
      n.deletingDependents = true;
      for (Node dep : n.dependents()) {
        attemptToDelete.add(dep.uid());
      }
      attemptToDelete.add(n.uid());
    }
  }

  private static boolean startsWaiting(
      GenericKubernetesResource old, GenericKubernetesResource obj, String finalizer) {
    if (obj.getMetadata().getDeletionTimestamp() == null || !hasFinalizer(obj, finalizer)) {
      return false;
    }
    return old == null
        || old.getMetadata().getDeletionTimestamp() == null
        || !hasFinalizer(old, finalizer);
  }

  static boolean hasFinalizer(GenericKubernetesResource obj, String finalizer) {
    return obj.getMetadata().getFinalizers() != null
        && obj.getMetadata().getFinalizers().contains(finalizer);
  }

  private void addDependentToOwners(Node n, List<OwnerReference> owners) {
    for (OwnerReference owner : owners) {
      Node ownerNode = uidToNode.get(owner.getUid());
      boolean isNew = ownerNode == null;
      if (isNew) {
        ownerNode = new Node(Identity.ofOwner(owner, n.identity.namespace()));
        ownerNode.virtual = true;
        uidToNode.put(owner.getUid(), ownerNode);
      }
      ownerNode.dependents.add(n);
      if (isNew) {
        attemptToDelete.add(ownerNode.uid());
      }
    }
  }

  private void removeDependentFromOwners(Node n, List<OwnerReference> owners) {
    for (OwnerReference owner : owners) {
      Node ownerNode = uidToNode.get(owner.getUid());
      if (ownerNode != null) {
        ownerNode.dependents.remove(n);
      }
    }
  }

  /** Owners that waited for this dependent and no longer do are looked at again. */
  private void addUnblockedOwnersToDeleteQueue(
      List<OwnerReference> before, List<OwnerReference> after) {
    Map<String, OwnerReference> now = new LinkedHashMap<>();
    after.forEach(r -> now.put(r.getUid(), r));
    for (OwnerReference old : before) {
      boolean wasBlocking = Boolean.TRUE.equals(old.getBlockOwnerDeletion());
      OwnerReference cur = now.get(old.getUid());
      boolean unblocked = cur == null || !Boolean.TRUE.equals(cur.getBlockOwnerDeletion());
      if (wasBlocking && unblocked && uidToNode.containsKey(old.getUid())) {
        attemptToDelete.add(old.getUid());
      }
    }
  }

  private static List<OwnerReference> added(
      List<OwnerReference> before, List<OwnerReference> after) {
    Set<String> old = new HashSet<>();
    before.forEach(r -> old.add(r.getUid()));
    List<OwnerReference> out = new ArrayList<>();
    for (OwnerReference r : after) {
      if (!old.contains(r.getUid())) {
        out.add(r);
      }
    }
    return out;
  }

  private static List<OwnerReference> removed(
      List<OwnerReference> before, List<OwnerReference> after) {
    return added(after, before);
  }
}
