package io.k8j.kubelet.prober;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.k8j.common.Clock;
import io.k8j.kubelet.events.EventRecorder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Keeps one {@link ProbeWorker} per container and probe of each pod the kubelet runs, and their
 * {@link ProbeResults}. {@code onChange} is told the pod's UID whenever a result changes.
 */
public final class ProberManager implements AutoCloseable {
  private final Prober prober;
  private final ContainerLookup lookup;
  private final EventRecorder events;
  private final Clock clock;
  private final Consumer<String> onChange;
  private final ProbeResults results = new ProbeResults();
  private final Map<String, List<ProbeWorker>> workers = new ConcurrentHashMap<>();

  public ProberManager(
      Prober prober,
      ContainerLookup lookup,
      EventRecorder events,
      Clock clock,
      Consumer<String> onChange) {
    this.prober = prober;
    this.lookup = lookup;
    this.events = events;
    this.clock = clock;
    this.onChange = onChange;
  }

  public ProbeResults results() {
    return results;
  }

  /** Starts the pod's probe workers unless they run already. */
  public void addPod(Pod pod) {
    workers.computeIfAbsent(
        pod.getMetadata().getUid(),
        uid -> {
          List<ProbeWorker> list = new ArrayList<>();
          add(pod, pod.getSpec().getContainers(), "spec.containers", list);
          if (pod.getSpec().getInitContainers() != null) {
            List<Container> sidecars =
                pod.getSpec().getInitContainers().stream()
                    .filter(c -> "Always".equals(c.getRestartPolicy()))
                    .toList();
            add(pod, sidecars, "spec.initContainers", list);
          }
          list.forEach(ProbeWorker::start);
          return list;
        });
  }

  private void add(Pod pod, List<Container> containers, String path, List<ProbeWorker> out) {
    for (Container c : containers) {
      String fieldPath = path + "{" + c.getName() + "}";
      if (c.getLivenessProbe() != null) {
        out.add(worker(pod, c, fieldPath, ProbeType.LIVENESS));
      }
      if (c.getReadinessProbe() != null) {
        out.add(worker(pod, c, fieldPath, ProbeType.READINESS));
      }
      if (c.getStartupProbe() != null) {
        out.add(worker(pod, c, fieldPath, ProbeType.STARTUP));
      }
    }
  }

  private ProbeWorker worker(Pod pod, Container c, String fieldPath, ProbeType t) {
    return new ProbeWorker(pod, c, fieldPath, t, prober, results, lookup, events, clock, onChange);
  }

  /** Stops the pod's probe workers (when it terminates). */
  public void removePod(String uid) {
    List<ProbeWorker> list = workers.remove(uid);
    if (list != null) {
      list.forEach(ProbeWorker::stop);
    }
  }

  @Override
  public void close() {
    workers.keySet().forEach(this::removePod);
  }
}
