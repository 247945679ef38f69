package io.k8j.scheduler.internal;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.k8j.scheduler.cache.SchedulerCache;
import io.k8j.scheduler.framework.ClusterEvent;
import io.k8j.scheduler.framework.ClusterEvent.ActionType;
import io.k8j.scheduler.framework.ClusterEvent.EventResource;
import io.k8j.scheduler.framework.PodInfo;
import io.k8j.scheduler.framework.Resource;
import io.k8j.scheduler.queue.SchedulingQueue;
import java.util.Objects;
import java.util.function.Function;

/**
 * The informers' handlers, as upstream's {@code eventhandlers.go}: bound pods and nodes go to the
 * cache, unbound pods this scheduler is responsible for go to the queue, and every change that may
 * make waiting pods fit is passed to the queue as a cluster event. Handlers only route; they never
 * call the API server.
 */
final class ClusterEventHandlers {
  private final SchedulerCache cache;
  private final SchedulingQueue queue;
  private final Profiles profiles;
  private final Function<Pod, PodInfo> podInfo;

  ClusterEventHandlers(
      SchedulerCache cache,
      SchedulingQueue queue,
      Profiles profiles,
      Function<Pod, PodInfo> podInfo) {
    this.cache = cache;
    this.queue = queue;
    this.profiles = profiles;
    this.podInfo = podInfo;
  }

  static boolean assigned(Pod p) {
    return p.getSpec().getNodeName() != null && !p.getSpec().getNodeName().isEmpty();
  }

  static boolean terminal(Pod p) {
    String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  ResourceEventHandler<Pod> pods() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(Pod p) {
        if (assigned(p)) {
          if (!terminal(p)) {
            cache.addPod(podInfo.apply(p));
            queue.moveAllToActiveOrBackoffQueue(ClusterEvent.ASSIGNED_POD_ADD, null, p);
          }
          return;
        }
        PodInfo info = podInfo.apply(p);
        if (profiles.responsibleFor(info) && !terminal(p)) {
          queue.add(info);
        }
      }

      @Override
      public void onUpdate(Pod old, Pod p) {
        if (assigned(p)) {
          if (!assigned(old)) {
            queue.delete(podInfo.apply(old));
            if (!terminal(p)) {
              cache.addPod(podInfo.apply(p));
              queue.moveAllToActiveOrBackoffQueue(ClusterEvent.ASSIGNED_POD_ADD, null, p);
            }
            return;
          }
          if (terminal(p)) {
            if (!terminal(old)) {
              cache.removePod(podInfo.apply(old));
              queue.moveAllToActiveOrBackoffQueue(ClusterEvent.ASSIGNED_POD_DELETE, old, null);
            }
            return;
          }
          cache.updatePod(podInfo.apply(p));
          int actions = assignedPodUpdate(old, p);
          if (actions != 0) {
            queue.moveAllToActiveOrBackoffQueue(
                new ClusterEvent(EventResource.ASSIGNED_POD, actions, "AssignedPodUpdate"), old, p);
          }
          return;
        }
        PodInfo info = podInfo.apply(p);
        if (!profiles.responsibleFor(info) || cache.isAssumed(info.uid())) {
          return;
        }
        if (terminal(p)) {
          queue.delete(info);
          return;
        }
        queue.update(podInfo.apply(old), info);
        int actions = unscheduledPodUpdate(old, p);
        if (actions != 0) {
          queue.moveAllToActiveOrBackoffQueue(
              new ClusterEvent(EventResource.POD, actions, "PodUpdate"), old, p);
        }
      }

      @Override
      public void onDelete(Pod p, boolean deletedFinalStateUnknown) {
        PodInfo info = podInfo.apply(p);
        if (assigned(p)) {
          cache.removePod(info);
          queue.moveAllToActiveOrBackoffQueue(ClusterEvent.ASSIGNED_POD_DELETE, p, null);
          return;
        }
        queue.delete(info);
        PodInfo assumed = cache.getPod(info.uid());
        if (assumed != null && cache.isAssumed(info.uid())) {
          cache.forgetPod(assumed);
        }
      }
    };
  }

  private static int assignedPodUpdate(Pod old, Pod p) {
    int actions = 0;
    if (!Objects.equals(old.getMetadata().getLabels(), p.getMetadata().getLabels())) {
      actions |= ActionType.UPDATE_POD_LABEL;
    }
    if (isScaleDown(old, p)) {
      actions |= ActionType.UPDATE_POD_SCALE_DOWN;
    }
    if (old.getMetadata().getDeletionTimestamp() == null
        && p.getMetadata().getDeletionTimestamp() != null) {
      actions |= ActionType.UPDATE_OTHER;
    }
    return actions;
  }

  private static boolean isScaleDown(Pod old, Pod p) {
    Resource a = PodInfo.of(old).requests();
    Resource b = PodInfo.of(p).requests();
    return b.milliCpu() < a.milliCpu() || b.memory() < a.memory();
  }

  private static int unscheduledPodUpdate(Pod old, Pod p) {
    int actions = 0;
    if (!Objects.equals(old.getMetadata().getLabels(), p.getMetadata().getLabels())) {
      actions |= ActionType.UPDATE_POD_LABEL;
    }
    if (!Objects.equals(old.getSpec().getTolerations(), p.getSpec().getTolerations())) {
      actions |= ActionType.UPDATE_POD_TOLERATIONS;
    }
    boolean hadGates =
        old.getSpec().getSchedulingGates() != null && !old.getSpec().getSchedulingGates().isEmpty();
    boolean hasGates =
        p.getSpec().getSchedulingGates() != null && !p.getSpec().getSchedulingGates().isEmpty();
    if (hadGates && !hasGates) {
      actions |= ActionType.UPDATE_POD_SCHEDULING_GATES_ELIMINATED;
    }
    return actions;
  }

  ResourceEventHandler<Node> nodes() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(Node n) {
        cache.addNode(n);
        queue.moveAllToActiveOrBackoffQueue(ClusterEvent.NODE_ADD, null, n);
      }

      @Override
      public void onUpdate(Node old, Node n) {
        cache.updateNode(n);
        int actions = nodeUpdate(old, n);
        if (actions != 0) {
          queue.moveAllToActiveOrBackoffQueue(
              new ClusterEvent(EventResource.NODE, actions, "NodeUpdate"), old, n);
        }
      }

      @Override
      public void onDelete(Node n, boolean deletedFinalStateUnknown) {
        cache.removeNode(n);
        queue.moveAllToActiveOrBackoffQueue(ClusterEvent.NODE_DELETE, n, null);
      }
    };
  }

  /** Upstream's {@code nodeSchedulingPropertiesChange}. */
  static int nodeUpdate(Node old, Node n) {
    int actions = 0;
    if (!Objects.equals(
        old.getStatus() == null ? null : old.getStatus().getAllocatable(),
        n.getStatus() == null ? null : n.getStatus().getAllocatable())) {
      actions |= ActionType.UPDATE_NODE_ALLOCATABLE;
    }
    if (!Objects.equals(old.getMetadata().getLabels(), n.getMetadata().getLabels())) {
      actions |= ActionType.UPDATE_NODE_LABEL;
    }
    boolean oldUnsched =
        old.getSpec() != null && Boolean.TRUE.equals(old.getSpec().getUnschedulable());
    boolean newUnsched = n.getSpec() != null && Boolean.TRUE.equals(n.getSpec().getUnschedulable());
    if (oldUnsched != newUnsched
        || !Objects.equals(
            old.getSpec() == null ? null : old.getSpec().getTaints(),
            n.getSpec() == null ? null : n.getSpec().getTaints())) {
      actions |= ActionType.UPDATE_NODE_TAINT;
    }
    if (!Objects.equals(
        old.getStatus() == null ? null : conditionStatuses(old),
        n.getStatus() == null ? null : conditionStatuses(n))) {
      actions |= ActionType.UPDATE_NODE_CONDITION;
    }
    if (!Objects.equals(old.getMetadata().getAnnotations(), n.getMetadata().getAnnotations())) {
      actions |= ActionType.UPDATE_NODE_ANNOTATION;
    }
    return actions;
  }

  private static java.util.Map<String, String> conditionStatuses(Node n) {
    java.util.Map<String, String> m = new java.util.HashMap<>();
    if (n.getStatus().getConditions() != null) {
      n.getStatus().getConditions().forEach(c -> m.put(c.getType(), c.getStatus()));
    }
    return m;
  }

  /** Handlers for the other kinds plugins registered events for (volumes, storage classes). */
  <T> ResourceEventHandler<T> moving(EventResource resource) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        queue.moveAllToActiveOrBackoffQueue(ClusterEvent.of(resource, ActionType.ADD), null, obj);
      }

      @Override
      public void onUpdate(T old, T obj) {
        queue.moveAllToActiveOrBackoffQueue(
            ClusterEvent.of(resource, ActionType.UPDATE_OTHER), old, obj);
      }

      @Override
      public void onDelete(T obj, boolean unknown) {
        queue.moveAllToActiveOrBackoffQueue(
            ClusterEvent.of(resource, ActionType.DELETE), obj, null);
      }
    };
  }
}
