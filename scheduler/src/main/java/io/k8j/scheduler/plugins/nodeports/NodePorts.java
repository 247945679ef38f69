package io.k8j.scheduler.plugins.nodeports;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Pod;
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
import io.k8j.scheduler.framework.PreFilterPlugin;
import io.k8j.scheduler.framework.PreFilterResult;
import io.k8j.scheduler.framework.StateData;
import io.k8j.scheduler.framework.StateKey;
import io.k8j.scheduler.framework.Status;
import java.util.List;

/** Rejects nodes where a host port the pod asks for is already taken. */
public final class NodePorts implements PreFilterPlugin, FilterPlugin, EnqueueExtensions {
  public static final String NAME = "NodePorts";
  public static final String ERR_REASON =
      "node(s) didn't have free ports for the requested pod ports";

  private static final StateKey<PreFilterState> PRE_FILTER_KEY =
      StateKey.of("PreFilter" + NAME, PreFilterState.class);

  record PreFilterState(List<PodInfo.HostPort> ports) implements StateData {
    @Override
    public StateData copy() {
      return this;
    }
  }

  public static NodePorts create(JsonNode args, Handle handle) {
    return new NodePorts();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public PreFilterResult preFilter(CycleState state, PodInfo pod) {
    if (pod.hostPorts().isEmpty()) {
      return PreFilterResult.skip();
    }
    state.write(PRE_FILTER_KEY, new PreFilterState(pod.hostPorts()));
    return PreFilterResult.ok();
  }

  @Override
  public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
    for (PodInfo.HostPort hp : state.read(PRE_FILTER_KEY).ports()) {
      if (node.usedPorts().conflicts(hp)) {
        return Status.unschedulable(ERR_REASON);
      }
    }
    return Status.SUCCESS;
  }

  @Override
  public List<ClusterEvent.WithHint> eventsToRegister() {
    return List.of(
        ClusterEvent.WithHint.of(
            EventResource.ASSIGNED_POD,
            ActionType.DELETE,
            (pod, oldObj, newObj) -> {
              if (!(oldObj instanceof Pod deleted)) {
                return QueueingHint.QUEUE;
              }
              List<PodInfo.HostPort> freed = PodInfo.of(deleted).hostPorts();
              for (PodInfo.HostPort want : pod.hostPorts()) {
                for (PodInfo.HostPort f : freed) {
                  if (f.port() == want.port() && f.protocol().equals(want.protocol())) {
                    return QueueingHint.QUEUE;
                  }
                }
              }
              return QueueingHint.SKIP;
            }),
        ClusterEvent.WithHint.of(EventResource.NODE, ActionType.ADD | ActionType.UPDATE));
  }
}
