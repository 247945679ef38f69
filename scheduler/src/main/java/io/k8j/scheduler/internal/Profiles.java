package io.k8j.scheduler.internal;

import io.k8j.scheduler.framework.ClusterEvent;
import io.k8j.scheduler.framework.PodInfo;
import io.k8j.scheduler.framework.Status;
import io.k8j.scheduler.framework.runtime.FrameworkImpl;
import io.k8j.scheduler.queue.QueueingPolicy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The profiles by scheduler name: which framework schedules a pod (none: not ours), and what the
 * queue asks of it.
 */
final class Profiles implements QueueingPolicy {
  static final String DEFAULT_SCHEDULER_NAME = "default-scheduler";

  private final Map<String, FrameworkImpl> byName;
  private final Map<String, Map<String, List<ClusterEvent.WithHint>>> events = new HashMap<>();

  Profiles(Map<String, FrameworkImpl> byName) {
    this.byName = Map.copyOf(byName);
    byName.forEach((name, fwk) -> events.put(name, fwk.eventsToRegister()));
  }

  static String schedulerName(PodInfo pod) {
    String s = pod.pod().getSpec().getSchedulerName();
    return s == null || s.isEmpty() ? DEFAULT_SCHEDULER_NAME : s;
  }

  /** The pod's framework, or null when no profile of this scheduler is responsible for it. */
  FrameworkImpl forPod(PodInfo pod) {
    return byName.get(schedulerName(pod));
  }

  boolean responsibleFor(PodInfo pod) {
    return byName.containsKey(schedulerName(pod));
  }

  Map<String, FrameworkImpl> all() {
    return byName;
  }

  @Override
  public Status preEnqueue(PodInfo pod) {
    FrameworkImpl f = forPod(pod);
    return f == null ? Status.SUCCESS : f.runPreEnqueuePlugins(pod);
  }

  @Override
  public List<ClusterEvent.WithHint> eventsFor(PodInfo pod, String plugin) {
    Map<String, List<ClusterEvent.WithHint>> m = events.get(schedulerName(pod));
    return m == null ? null : m.get(plugin);
  }
}
