package io.k8j.scheduler.plugins.noderesources;

import io.k8j.scheduler.framework.NodeInfo;
import io.k8j.scheduler.framework.PodInfo;
import io.k8j.scheduler.framework.Resource;
import java.util.List;

/**
 * Scores a node by the resources it would have requested and allocatable with the pod on it, as
 * upstream's {@code resourceAllocationScorer}: per resource of the strategy, then combined by the
 * strategy's function. {@code useRequested} false counts pods without CPU or memory requests at
 * upstream's defaults (100m, 200Mi).
 */
final class ResourceAllocationScorer {
  /** Combines per-resource requested and allocatable into a score in [0, 100]. */
  interface Function {
    long score(long[] requested, long[] allocatable);
  }

  private final List<ResourceSpec> resources;
  private final boolean useRequested;
  private final Function scorer;

  ResourceAllocationScorer(List<ResourceSpec> resources, boolean useRequested, Function scorer) {
    this.resources = resources;
    this.useRequested = useRequested;
    this.scorer = scorer;
  }

  List<ResourceSpec> resources() {
    return resources;
  }

  /** The pod's request for each resource of the strategy. */
  long[] podRequests(PodInfo pod) {
    long[] r = new long[resources.size()];
    for (int i = 0; i < r.length; i++) {
      String name = resources.get(i).name();
      boolean cpuOrMemory = name.equals(Resource.CPU) || name.equals(Resource.MEMORY);
      Resource src = !useRequested && cpuOrMemory ? pod.nonZeroRequests() : pod.requests();
      r[i] = src.get(name);
    }
    return r;
  }

  long score(NodeInfo node, long[] podRequests) {
    int n = resources.size();
    long[] requested = new long[n];
    long[] allocatable = new long[n];
    Resource nodeRequested = useRequested ? node.requested() : node.nonZeroRequested();
    for (int i = 0; i < n; i++) {
      String name = resources.get(i).name();
      long podReq = podRequests[i];
      if (podReq == 0 && Resource.isScalar(name)) {
        continue;
      }
      long alloc;
      long req;
      switch (name) {
        case Resource.CPU, Resource.MEMORY -> {
          alloc = node.allocatable().get(name);
          req = nodeRequested.get(name) + podReq;
        }
        case Resource.EPHEMERAL_STORAGE -> {
          alloc = node.allocatable().ephemeralStorage();
          req = node.requested().ephemeralStorage() + podReq;
        }
        default -> {
          if (!node.allocatable().scalar().containsKey(name)) {
            continue;
          }
          alloc = node.allocatable().get(name);
          req = node.requested().get(name) + podReq;
        }
      }
      if (alloc == 0) {
        continue;
      }
      allocatable[i] = alloc;
      requested[i] = req;
    }
    return scorer.score(requested, allocatable);
  }
}
