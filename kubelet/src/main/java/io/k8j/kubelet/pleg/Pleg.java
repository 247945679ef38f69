package io.k8j.kubelet.pleg;

import io.k8j.common.Clock;
import io.k8j.cri.v1.Container;
import io.k8j.cri.v1.PodSandbox;
import io.k8j.kubelet.kuberuntime.Labels;
import io.k8j.kubelet.kuberuntime.RuntimeStateReader;
import io.k8j.kubelet.runtime.ContainerRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upstream's generic PLEG: every relist period it lists all sandboxes and containers (two runtime
 * calls), compares each pod's containers and their states with the previous listing, and reports
 * the pods that changed (a container started, exited, was removed; a sandbox changed).
 *
 * <p>A change the pod's worker has read already is not reported: the worker that started a
 * container reads the pod again and reports its status at once, and a relist that then finds the
 * same containers in the same states would only wake it for a sync with nothing to do.
 */
public final class Pleg implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Pleg.class);

  private final ContainerRuntime runtime;
  private final Clock clock;
  private final Duration period;
  private final Consumer<String> onChange;
  private final Function<String, String> alreadyRead;
  private volatile Map<String, String> last = Map.of();
  private volatile boolean healthy = true;
  private volatile long lastRelistNanos;
  private long lastGeneration = -1;
  private volatile boolean closed;
  private Thread thread;

  public Pleg(ContainerRuntime runtime, Clock clock, Duration period, Consumer<String> onChange) {
    this(runtime, clock, period, onChange, uid -> null);
  }

  /**
   * @param onChange told the UID of each pod that changed
   * @param alreadyRead the {@linkplain RuntimeStateReader#fingerprint fingerprint} of a pod at the
   *     last read of its worker (null when none); a pod listed with that fingerprint is not
   *     reported
   */
  public Pleg(
      ContainerRuntime runtime,
      Clock clock,
      Duration period,
      Consumer<String> onChange,
      Function<String, String> alreadyRead) {
    this.runtime = runtime;
    this.clock = clock;
    this.period = period;
    this.onChange = onChange;
    this.alreadyRead = alreadyRead;
  }

  public void start() {
    thread = Thread.ofVirtual().name("pleg").start(this::run);
  }

  private void run() {
    while (!closed) {
      try {
        relist();
        healthy = true;
      } catch (RuntimeException e) {
        healthy = false;
        log.warn("PLEG relist failed: {}", e.getMessage());
      }
      try {
        clock.sleep(period);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Lists the runtime once and reports changed pods; returns the pod UIDs the runtime has. */
  public Set<String> relist() {
    long generation = runtime.generation();
    if (generation >= 0 && generation == lastGeneration) {
      // nothing was added, changed or removed since the last listing (a simulated node at rest)
      lastRelistNanos = clock.nanoTime();
      return last.keySet();
    }
    Map<String, List<PodSandbox>> sandboxes = new HashMap<>();
    Map<String, List<Container>> containers = new HashMap<>();
    for (PodSandbox s : runtime.listPodSandbox(null)) {
      String uid = s.getLabelsOrDefault(Labels.POD_UID, "");
      if (!uid.isEmpty()) {
        sandboxes.computeIfAbsent(uid, u -> new ArrayList<>()).add(s);
      }
    }
    for (Container c : runtime.listContainers(null)) {
      String uid = c.getLabelsOrDefault(Labels.POD_UID, "");
      if (!uid.isEmpty()) {
        containers.computeIfAbsent(uid, u -> new ArrayList<>()).add(c);
      }
    }
    Set<String> uids = new HashSet<>(sandboxes.keySet());
    uids.addAll(containers.keySet());
    Map<String, String> fingerprints = new HashMap<>();
    for (String uid : uids) {
      fingerprints.put(
          uid,
          RuntimeStateReader.fingerprint(
              sandboxes.getOrDefault(uid, List.of()), containers.getOrDefault(uid, List.of())));
    }
    Map<String, String> before = last;
    Set<String> changed = new HashSet<>();
    fingerprints.forEach(
        (uid, f) -> {
          if (!f.equals(before.get(uid)) && !f.equals(alreadyRead.apply(uid))) {
            changed.add(uid);
          }
        });
    for (String uid : before.keySet()) {
      if (!fingerprints.containsKey(uid)) {
        changed.add(uid);
      }
    }
    last = fingerprints;
    lastGeneration = generation;
    lastRelistNanos = clock.nanoTime();
    changed.forEach(onChange);
    return fingerprints.keySet();
  }

  /** The pod UIDs the runtime had at the last relist. */
  public Set<String> podUids() {
    return last.keySet();
  }

  /** Healthy when the last relist worked and was recent (upstream's PLEG health check). */
  public boolean healthy() {
    return healthy
        && (lastRelistNanos == 0
            || clock.nanoTime() - lastRelistNanos < Duration.ofMinutes(3).toNanos());
  }

  @Override
  public void close() {
    closed = true;
    if (thread != null) {
      thread.interrupt();
    }
  }
}
