package io.k8j.controllers.garbagecollector;

import io.fabric8.kubernetes.api.model.OwnerReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An object in the ownership graph. A <b>virtual</b> node stands for an owner the graph has only
 * heard of from a dependent; it is replaced by what an informer observes, or removed once the API
 * server confirms that no such owner exists. Owners and flags are written only by the graph
 * builder's thread; dependents are read by the collector's workers.
 */
final class Node {
  volatile Identity identity;
  volatile List<OwnerReference> owners = List.of();
  final Set<Node> dependents = ConcurrentHashMap.newKeySet();
  volatile boolean beingDeleted;
  volatile boolean deletingDependents;
  volatile boolean virtual;
  volatile boolean observed;

  Node(Identity identity) {
    this.identity = identity;
  }

  String uid() {
    return identity.uid();
  }

  List<Node> dependents() {
    return new ArrayList<>(dependents);
  }

  /** Dependents whose reference to this node has blockOwnerDeletion=true. */
  List<Node> blockingDependents() {
    List<Node> out = new ArrayList<>();
    for (Node d : dependents) {
      for (OwnerReference r : d.owners) {
        if (uid().equals(r.getUid()) && Boolean.TRUE.equals(r.getBlockOwnerDeletion())) {
          out.add(d);
        }
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return (virtual ? "virtual " : "") + identity;
  }
}
