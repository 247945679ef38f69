package io.k8j.scheduler.plugins.nodename;

import com.fasterxml.jackson.databind.JsonNode;
import io.k8j.scheduler.framework.ClusterEvent;
import io.k8j.scheduler.framework.ClusterEvent.ActionType;
import io.k8j.scheduler.framework.ClusterEvent.EventResource;
import io.k8j.scheduler.framework.CycleState;
import io.k8j.scheduler.framework.EnqueueExtensions;
import io.k8j.scheduler.framework.FilterPlugin;
import io.k8j.scheduler.framework.Handle;
import io.k8j.scheduler.framework.NodeInfo;
import io.k8j.scheduler.framework.PodInfo;
import io.k8j.scheduler.framework.Status;
import java.util.List;

/** Rejects every node but the one a pod names in {@code spec.nodeName}. */
public final class NodeName implements FilterPlugin, EnqueueExtensions {
  public static final String NAME = "NodeName";
  public static final String ERR_REASON = "node(s) didn't match the requested node name";

  public static NodeName create(JsonNode args, Handle handle) {
    return new NodeName();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
    String wanted = pod.pod().getSpec().getNodeName();
    if (wanted == null || wanted.isEmpty() || wanted.equals(node.name())) {
      return Status.SUCCESS;
    }
    return Status.unresolvable(ERR_REASON);
  }

  @Override
  public List<ClusterEvent.WithHint> eventsToRegister() {
    return List.of(ClusterEvent.WithHint.of(EventResource.NODE, ActionType.ADD));
  }
}
