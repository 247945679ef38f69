package io.k8j.scheduler.framework;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;

/**
 * A pod's resource requests as upstream's {@code resource.PodRequests}: the sum of its containers,
 * raised to what any init container needs while it runs (with the sidecars started before it), plus
 * the sidecars themselves and the pod overhead.
 */
final class PodRequests {
  private PodRequests() {}

  static Resource of(Pod pod, boolean nonZero) {
    Resource reqs = new Resource();
    if (pod.getSpec().getContainers() != null) {
      for (Container c : pod.getSpec().getContainers()) {
        reqs.add(containerRequests(c, nonZero));
      }
    }
    if (pod.getSpec().getInitContainers() != null) {
      Resource sidecars = new Resource();
      Resource initMax = new Resource();
      for (Container c : pod.getSpec().getInitContainers()) {
        Resource r = containerRequests(c, nonZero);
        if ("Always".equals(c.getRestartPolicy())) {
          reqs.add(r);
          sidecars.add(r);
          initMax.setMax(sidecars);
        } else {
          Resource whileRunning = r.copy();
          whileRunning.add(sidecars);
          initMax.setMax(whileRunning);
        }
      }
      reqs.setMax(initMax);
    }
    Map<String, Quantity> overhead = pod.getSpec().getOverhead();
    if (overhead != null) {
      reqs.add(overhead);
    }
    return reqs;
  }

  private static Resource containerRequests(Container c, boolean nonZero) {
    Map<String, Quantity> req = c.getResources() == null ? null : c.getResources().getRequests();
    Resource r = Resource.of(req);
    if (nonZero) {
      if (req == null || !req.containsKey(Resource.CPU)) {
        r.set(Resource.CPU, Resource.DEFAULT_MILLI_CPU_REQUEST);
      }
      if (req == null || !req.containsKey(Resource.MEMORY)) {
        r.set(Resource.MEMORY, Resource.DEFAULT_MEMORY_REQUEST);
      }
    }
    return r;
  }
}
