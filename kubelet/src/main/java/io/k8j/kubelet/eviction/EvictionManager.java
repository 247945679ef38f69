package io.k8j.kubelet.eviction;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.k8j.common.Clock;
import io.k8j.kubelet.events.EventRecorder;
import io.k8j.kubelet.events.Reasons;
import io.k8j.kubelet.kuberuntime.Qos;
import io.k8j.kubelet.node.MachineInfo;
import io.k8j.kubelet.pod.PodManager;
import io.k8j.kubelet.pod.PodWorkers;
import io.k8j.kubelet.status.StatusManager;
import io.k8j.kubelet.util.Json;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hard node-pressure eviction on {@code memory.available} (upstream's eviction manager, memory
 * signal only): every monitoring period, when the available memory is under the threshold, the node
 * reports MemoryPressure and one pod is evicted, ranked BestEffort, then Burstable, then
 * Guaranteed, lower priority first, newest first. An evicted pod fails with reason {@code Evicted}
 * and is killed at once (a hard threshold has no grace period).
 */
public final class EvictionManager implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EvictionManager.class);

  private final PodManager pods;
  private final PodWorkers workers;
  private final StatusManager statuses;
  private final EventRecorder events;
  private final Clock clock;
  private final Duration period;
  private final long thresholdBytes;
  private final LongSupplier available;
  private volatile boolean pressure;
  private volatile boolean closed;
  private Thread thread;

  public EvictionManager(
      PodManager pods,
      PodWorkers workers,
      StatusManager statuses,
      EventRecorder events,
      Clock clock,
      Duration period,
      long thresholdBytes) {
    this(
        pods,
        workers,
        statuses,
        events,
        clock,
        period,
        thresholdBytes,
        () -> MachineInfo.meminfo("MemAvailable").orElse(Long.MAX_VALUE));
  }

  EvictionManager(
      PodManager pods,
      PodWorkers workers,
      StatusManager statuses,
      EventRecorder events,
      Clock clock,
      Duration period,
      long thresholdBytes,
      LongSupplier available) {
    this.pods = pods;
    this.workers = workers;
    this.statuses = statuses;
    this.events = events;
    this.clock = clock;
    this.period = period;
    this.thresholdBytes = thresholdBytes;
    this.available = available;
  }

  /** Whether the node is under memory pressure (for its MemoryPressure condition). */
  public boolean memoryPressure() {
    return pressure;
  }

  public void start() {
    thread = Thread.ofVirtual().name("eviction-manager").start(this::run);
  }

  private void run() {
    while (!closed) {
      try {
        once();
      } catch (RuntimeException e) {
        log.warn("eviction check failed: {}", e.toString());
      }
      try {
        clock.sleep(period);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Checks the signal once; evicts one pod when under pressure. */
  public Optional<Pod> once() {
    long avail = available.getAsLong();
    pressure = avail < thresholdBytes;
    if (!pressure) {
      return Optional.empty();
    }
    Optional<Pod> victim = rank(candidates()).stream().findFirst();
    victim.ifPresent(p -> evict(p, avail));
    return victim;
  }

  private List<Pod> candidates() {
    return pods.all().stream()
        .filter(p -> !PodManager.isStatic(p))
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(
            p -> {
              String phase =
                  statuses.get(p.getMetadata().getUid()).map(PodStatus::getPhase).orElse("");
              return phase.equals("Running") || phase.equals("Pending");
            })
        .toList();
  }

  static List<Pod> rank(List<Pod> pods) {
    Comparator<Pod> byQos =
        Comparator.comparingInt(
            p ->
                switch (Qos.of(p)) {
                  case Qos.BEST_EFFORT -> 0;
                  case Qos.BURSTABLE -> 1;
                  default -> 2;
                });
    Comparator<Pod> byPriority =
        Comparator.comparingInt(
            p -> p.getSpec().getPriority() == null ? 0 : p.getSpec().getPriority());
    Comparator<Pod> newestFirst =
        Comparator.comparing(
                (Pod p) ->
                    p.getMetadata().getCreationTimestamp() == null
                        ? ""
                        : p.getMetadata().getCreationTimestamp())
            .reversed();
    return pods.stream()
        .sorted(byQos.thenComparing(byPriority).thenComparing(newestFirst))
        .toList();
  }

  private void evict(Pod pod, long avail) {
    String message =
        "The node was low on resource: memory. Threshold quantity: "
            + quantity(thresholdBytes)
            + ", available: "
            + quantity(avail)
            + ". ";
    log.info(
        "evicting pod {}/{}: {}",
        pod.getMetadata().getNamespace(),
        pod.getMetadata().getName(),
        message);
    PodStatus s =
        statuses.get(pod.getMetadata().getUid()).map(Json::copy).orElseGet(PodStatus::new);
    s.setPhase("Failed");
    s.setReason(Reasons.EVICTED);
    s.setMessage(message);
    statuses.set(pod, s);
    events.warning(pod, null, Reasons.EVICTED, message);
    workers.sync(pod.getMetadata().getUid());
  }

  /** A byte count as upstream prints quantities: {@code 100Mi}, {@code 81920Ki}. */
  static String quantity(long bytes) {
    if (bytes % (1L << 30) == 0 && bytes > 0) {
      return (bytes >> 30) + "Gi";
    }
    if (bytes % (1L << 20) == 0 && bytes > 0) {
      return (bytes >> 20) + "Mi";
    }
    return (bytes >> 10) + "Ki";
  }

  @Override
  public void close() {
    closed = true;
    if (thread != null) {
      thread.interrupt();
    }
  }
}
