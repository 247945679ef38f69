package io.k8j.scheduler.internal;

import io.fabric8.kubernetes.api.model.Pod;
import io.k8j.scheduler.framework.PodInfo;

/**
 * A pod's priority: {@code spec.priority} (set by the API server's Priority admission), else the
 * value of its {@code priorityClassName}, else the global default PriorityClass, else 0.
 */
final class Priorities {
  static final int SYSTEM_NODE_CRITICAL = 2_000_001_000;
  static final int SYSTEM_CLUSTER_CRITICAL = 2_000_000_000;

  private final InformerObjects objects;

  Priorities(InformerObjects objects) {
    this.objects = objects;
  }

  int of(Pod pod) {
    Integer p = pod.getSpec().getPriority();
    if (p != null) {
      return p;
    }
    String cls = pod.getSpec().getPriorityClassName();
    if (cls != null && !cls.isEmpty()) {
      Integer v = objects.priorityClassValue(cls);
      if (v != null) {
        return v;
      }
      if (cls.equals("system-node-critical")) {
        return SYSTEM_NODE_CRITICAL;
      }
      if (cls.equals("system-cluster-critical")) {
        return SYSTEM_CLUSTER_CRITICAL;
      }
    }
    Integer d = objects.globalDefaultPriority();
    return d == null ? 0 : d;
  }

  PodInfo podInfo(Pod pod) {
    return PodInfo.of(pod, of(pod));
  }
}
