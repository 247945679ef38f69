package io.k8j.kubelet.pleg;

import io.k8j.common.Clock;
import io.k8j.cri.v1.Container;
import io.k8j.cri.v1.PodSandbox;
import io.k8j.kubelet.kuberuntime.Labels;
import io.k8j.kubelet.runtime.ContainerRuntime;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upstream's generic PLEG: every relist period it lists all sandboxes and containers (two runtime
 * calls), compares each pod's containers and their states with the previous listing, and reports
 * the pods that changed (a container started, exited, was removed; a sandbox changed).
 */
public final class Pleg implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Pleg.class);

  private final ContainerRuntime runtime;
  private final Clock clock;
  private final Duration period;
  private final Consumer<String> onChange;
  private volatile Map<String, String> last = Map.of();
  private volatile boolean healthy = true;
  private volatile long lastRelistNanos;
  private volatile boolean closed;
  private Thread thread;

  public Pleg(ContainerRuntime runtime, Clock clock, Duration period, Consumer<String> onChange) {
    this.runtime = runtime;
    this.clock = clock;
    this.period = period;
    this.onChange = onChange;
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
    Map<String, TreeMap<String, String>> now = new HashMap<>();
    for (PodSandbox s : runtime.listPodSandbox(null)) {
      String uid = s.getLabelsOrDefault(Labels.POD_UID, "");
      if (!uid.isEmpty()) {
        now.computeIfAbsent(uid, u -> new TreeMap<>()).put("s" + s.getId(), s.getState().name());
      }
    }
    for (Container c : runtime.listContainers(null)) {
      String uid = c.getLabelsOrDefault(Labels.POD_UID, "");
      if (!uid.isEmpty()) {
        now.computeIfAbsent(uid, u -> new TreeMap<>()).put("c" + c.getId(), c.getState().name());
      }
    }
    Map<String, String> fingerprints = new HashMap<>();
    now.forEach((uid, m) -> fingerprints.put(uid, m.toString()));
    Map<String, String> before = last;
    Set<String> changed = new HashSet<>();
    fingerprints.forEach(
        (uid, f) -> {
          if (!f.equals(before.get(uid))) {
            changed.add(uid);
          }
        });
    for (String uid : before.keySet()) {
      if (!fingerprints.containsKey(uid)) {
        changed.add(uid);
      }
    }
    last = fingerprints;
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
