package io.k8j.scheduler.plugins.nodeunschedulable;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.k8j.scheduler.framework.ClusterEvent;
import io.k8j.scheduler.framework.ClusterEvent.ActionType;
import io.k8j.scheduler.framework.ClusterEvent.EventResource;
import io.k8j.scheduler.framework.ClusterEvent.QueueingHint;
import io.k8j.scheduler.framework.CycleState;
import io.k8j.scheduler.framework.EnqueueExtensions;
import io.k8j.scheduler.framework.FilterPlugin;
import io.k8j.scheduler.framework.Handle;
import io.k8j.scheduler.framework.NodeInfo;
import io.k8j.scheduler.framework.PodInfo;
import io.k8j.scheduler.framework.Status;
import io.k8j.scheduler.plugins.helper.Taints;
import java.util.List;

/**
 * Rejects cordoned nodes ({@code spec.unschedulable}) unless the pod tolerates the {@code
 * node.kubernetes.io/unschedulable:NoSchedule} taint.
 */
public final class NodeUnschedulable implements FilterPlugin, EnqueueExtensions {
  public static final String NAME = "NodeUnschedulable";
  public static final String ERR_REASON = "node(s) were unschedulable";

  private static final Taint UNSCHEDULABLE_TAINT =
      new TaintBuilder()
          .withKey("node.kubernetes.io/unschedulable")
          .withEffect(Taints.NO_SCHEDULE)
          .build();

  public static NodeUnschedulable create(JsonNode args, Handle handle) {
    return new NodeUnschedulable();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
    if (!node.unschedulable()) {
      return Status.SUCCESS;
    }
    if (Taints.toleratedBy(UNSCHEDULABLE_TAINT, pod.pod().getSpec().getTolerations())) {
      return Status.SUCCESS;
    }
    return Status.unresolvable(ERR_REASON);
  }

  @Override
  public List<ClusterEvent.WithHint> eventsToRegister() {
    return List.of(
        ClusterEvent.WithHint.of(
            EventResource.NODE,
            ActionType.ADD | ActionType.UPDATE_NODE_TAINT,
            (pod, oldObj, newObj) -> {
              Node n = (Node) newObj;
              boolean unschedulable =
                  n.getSpec() != null && Boolean.TRUE.equals(n.getSpec().getUnschedulable());
              return unschedulable ? QueueingHint.SKIP : QueueingHint.QUEUE;
            }),
        ClusterEvent.WithHint.of(EventResource.POD, ActionType.UPDATE_POD_TOLERATIONS));
  }
}
