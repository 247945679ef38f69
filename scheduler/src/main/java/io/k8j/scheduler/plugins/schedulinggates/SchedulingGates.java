package io.k8j.scheduler.plugins.schedulinggates;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSchedulingGate;
import io.k8j.scheduler.framework.ClusterEvent;
import io.k8j.scheduler.framework.ClusterEvent.ActionType;
import io.k8j.scheduler.framework.ClusterEvent.EventResource;
import io.k8j.scheduler.framework.EnqueueExtensions;
import io.k8j.scheduler.framework.Handle;
import io.k8j.scheduler.framework.PodInfo;
import io.k8j.scheduler.framework.PreEnqueuePlugin;
import io.k8j.scheduler.framework.Status;
import java.util.List;

/**
 * Keeps pods with {@code spec.schedulingGates} out of the active queue until the gates are gone.
 */
public final class SchedulingGates implements PreEnqueuePlugin, EnqueueExtensions {
  public static final String NAME = "SchedulingGates";

  public static SchedulingGates create(JsonNode args, Handle handle) {
    return new SchedulingGates();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Status preEnqueue(PodInfo pod) {
    List<PodSchedulingGate> gates = pod.pod().getSpec().getSchedulingGates();
    if (gates == null || gates.isEmpty()) {
      return Status.SUCCESS;
    }
    List<String> names = gates.stream().map(PodSchedulingGate::getName).toList();
    return Status.unresolvable("waiting for scheduling gates: [" + String.join(" ", names) + "]")
        .withPlugin(NAME);
  }

  @Override
  public List<ClusterEvent.WithHint> eventsToRegister() {
    return List.of(
        ClusterEvent.WithHint.of(
            EventResource.POD,
            ActionType.UPDATE_POD_SCHEDULING_GATES_ELIMINATED | ActionType.UPDATE_OTHER,
            (pod, oldObj, newObj) -> {
              Pod p = (Pod) newObj;
              return p.getSpec().getSchedulingGates() == null
                      || p.getSpec().getSchedulingGates().isEmpty()
                  ? ClusterEvent.QueueingHint.QUEUE
                  : ClusterEvent.QueueingHint.SKIP;
            }));
  }
}
