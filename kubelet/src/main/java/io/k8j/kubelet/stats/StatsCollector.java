package io.k8j.kubelet.stats;

import io.k8j.common.Clock;
import io.k8j.cri.v1.Container;
import io.k8j.cri.v1.ContainerFilter;
import io.k8j.cri.v1.ContainerState;
import io.k8j.cri.v1.ContainerStateValue;
import io.k8j.cri.v1.ContainerStats;
import io.k8j.kubelet.kuberuntime.Labels;
import io.k8j.kubelet.runtime.ContainerRuntime;
import io.k8j.kubelet.runtime.RuntimeCallException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples the usage of every running container (through the runtime's {@code ContainerStats}) and
 * of the node (through /proc) every {@code interval}, keeping each container's last samples in a
 * {@link UsageRing}. A container's ring goes when the container stops running.
 */
public final class StatsCollector implements AutoCloseable {
  /** Samples kept per container: 15 minutes at the default 10 s. */
  public static final int SAMPLES = 90;

  private static final Logger log = LoggerFactory.getLogger(StatsCollector.class);

  /** A running container and its samples. */
  public record Tracked(
      String id,
      String namespace,
      String pod,
      String podUid,
      String name,
      Instant startTime,
      UsageRing ring) {}

  private final ContainerRuntime runtime;
  private final NodeUsage nodeUsage;
  private final Clock clock;
  private final Duration interval;
  private final Map<String, Tracked> containers = new ConcurrentHashMap<>();
  private final UsageRing node = new UsageRing(SAMPLES);
  private final Instant nodeStart;
  private volatile long samplesTaken;
  private volatile boolean closed;
  private Thread thread;

  public StatsCollector(
      ContainerRuntime runtime, NodeUsage nodeUsage, Clock clock, Duration interval) {
    this.runtime = runtime;
    this.nodeUsage = nodeUsage;
    this.clock = clock;
    this.interval = interval;
    this.nodeStart = clock.now();
  }

  public void start() {
    thread =
        Thread.ofVirtual()
            .name("stats-collector")
            .start(
                () -> {
                  while (!closed) {
                    try {
                      sample();
                    } catch (RuntimeException e) {
                      log.warn("sampling resource usage failed: {}", e.toString());
                    }
                    try {
                      clock.sleep(interval);
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                });
  }

  /** Takes one sample of the node and of every running container. */
  public void sample() {
    Instant now = clock.now();
    try {
      node.add(nodeUsage.read(now));
    } catch (IOException | RuntimeException e) {
      log.debug("could not read the node's usage: {}", e.toString());
    }
    Set<String> seen = new HashSet<>();
    for (Container c :
        runtime.listContainers(
            ContainerFilter.newBuilder()
                .setState(
                    ContainerStateValue.newBuilder().setState(ContainerState.CONTAINER_RUNNING))
                .build())) {
      seen.add(c.getId());
      Usage u;
      try {
        u = usage(runtime.containerStats(c.getId()), now);
      } catch (RuntimeCallException e) {
        log.debug("no stats for container {}: {}", c.getId(), e.getMessage());
        continue;
      }
      Tracked t =
          containers.computeIfAbsent(
              c.getId(),
              id ->
                  new Tracked(
                      id,
                      c.getLabelsOrDefault(Labels.POD_NAMESPACE, ""),
                      c.getLabelsOrDefault(Labels.POD_NAME, ""),
                      c.getLabelsOrDefault(Labels.POD_UID, ""),
                      c.getLabelsOrDefault(Labels.CONTAINER_NAME, c.getMetadata().getName()),
                      Instant.ofEpochSecond(0, c.getCreatedAt()),
                      new UsageRing(SAMPLES)));
      t.ring().add(u);
    }
    containers.keySet().retainAll(seen);
    samplesTaken++;
  }

  static Usage usage(ContainerStats s, Instant now) {
    long ts = s.getCpu().getTimestamp();
    Instant time = ts > 0 ? Instant.ofEpochSecond(0, ts) : now;
    long ws = s.getMemory().getWorkingSetBytes().getValue();
    long mem = s.getMemory().hasUsageBytes() ? s.getMemory().getUsageBytes().getValue() : ws;
    return new Usage(time, s.getCpu().getUsageCoreNanoSeconds().getValue(), mem, ws);
  }

  /** The running containers with their samples, by pod then container name. */
  public List<Tracked> containers() {
    List<Tracked> out = new ArrayList<>(containers.values());
    out.sort(
        Comparator.comparing(Tracked::namespace)
            .thenComparing(Tracked::pod)
            .thenComparing(Tracked::name));
    return out;
  }

  /** The node's samples. */
  public UsageRing node() {
    return node;
  }

  public Instant nodeStartTime() {
    return nodeStart;
  }

  /** How many sampling rounds ran. */
  public long samplesTaken() {
    return samplesTaken;
  }

  @Override
  public void close() {
    closed = true;
    if (thread != null) {
      thread.interrupt();
    }
  }
}
