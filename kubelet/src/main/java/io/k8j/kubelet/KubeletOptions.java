package io.k8j.kubelet;

import io.k8j.common.Clock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a {@link Kubelet} is configured with. Build with {@link #builder(String, Path)};
 * defaults are upstream's (status every 10 s, lease renewed every 10 s for 40 s, crash-loop
 * back-off 10 s doubling to 5 min, 110 pods, ...). Durations are configurable so that tests run in
 * seconds.
 */
public final class KubeletOptions {
  private final Builder b;

  private KubeletOptions(Builder b) {
    this.b = b;
  }

  public static Builder builder(String nodeName, Path dataDir) {
    return new Builder(nodeName, dataDir);
  }

  public Builder toBuilder() {
    return b.copy();
  }

  public String nodeName() {
    return b.nodeName;
  }

  /** The node's data directory; the kubelet keeps its state under {@code <dataDir>/agent}. */
  public Path dataDir() {
    return b.dataDir;
  }

  public Path agentDir() {
    return b.dataDir.resolve("agent");
  }

  public RuntimeKind runtime() {
    return b.runtime;
  }

  /** An existing containerd socket to use instead of starting containerd; null to start one. */
  public Path containerdSocket() {
    return b.containerdSocket;
  }

  /**
   * The node's pod range; null when the controller manager assigns it ({@code spec.podCIDR}): the
   * kubelet then waits for it, builds its CNI bridge on it and routes to the other nodes' ranges.
   */
  public String podCidr() {
    return b.podCidr;
  }

  /** The range every pod IP of the cluster comes from; pod traffic leaving it is masqueraded. */
  public String clusterCidr() {
    return b.clusterCidr;
  }

  /** The node's address (InternalIP, hostIP); detected when null. */
  public String nodeIp() {
    return b.nodeIp;
  }

  public String bindAddress() {
    return b.bindAddress;
  }

  /** The kubelet API's HTTPS port; 0 picks a free one. */
  public int port() {
    return b.port;
  }

  public String clusterDomain() {
    return b.clusterDomain;
  }

  public List<String> clusterDns() {
    return b.clusterDns;
  }

  public int maxPods() {
    return b.maxPods;
  }

  public Map<String, String> nodeLabels() {
    return b.nodeLabels;
  }

  public Duration nodeStatusUpdateFrequency() {
    return b.nodeStatusUpdateFrequency;
  }

  public Duration nodeStatusReportFrequency() {
    return b.nodeStatusReportFrequency;
  }

  public Duration nodeLeaseRenewInterval() {
    return b.nodeLeaseRenewInterval;
  }

  public int nodeLeaseDurationSeconds() {
    return b.nodeLeaseDurationSeconds;
  }

  /** How often every pod is synced even when nothing happened (volumes refreshed, ...). */
  public Duration syncFrequency() {
    return b.syncFrequency;
  }

  public Duration plegRelistPeriod() {
    return b.plegRelistPeriod;
  }

  public Duration housekeepingPeriod() {
    return b.housekeepingPeriod;
  }

  public Duration crashLoopBackOffInitial() {
    return b.crashLoopBackOffInitial;
  }

  public Duration crashLoopBackOffMax() {
    return b.crashLoopBackOffMax;
  }

  public Duration imagePullBackOffInitial() {
    return b.imagePullBackOffInitial;
  }

  public Duration imagePullBackOffMax() {
    return b.imagePullBackOffMax;
  }

  public Duration statsInterval() {
    return b.statsInterval;
  }

  /** The read-only port; 0 when there is none. */
  public int readOnlyPort() {
    return b.readOnlyPort;
  }

  public long containerLogMaxSize() {
    return b.containerLogMaxSize;
  }

  public int containerLogMaxFiles() {
    return b.containerLogMaxFiles;
  }

  public Duration containerLogMonitorInterval() {
    return b.containerLogMonitorInterval;
  }

  /** The static pod manifest directory; {@code <agent>/pod-manifests} by default. */
  public Path staticPodPath() {
    return b.staticPodPath != null ? b.staticPodPath : agentDir().resolve("pod-manifests");
  }

  public Duration fileCheckFrequency() {
    return b.fileCheckFrequency;
  }

  /** memory.available below which the kubelet evicts pods (hard threshold). */
  public long evictionMemoryAvailableBytes() {
    return b.evictionMemoryAvailableBytes;
  }

  public Duration evictionMonitoringPeriod() {
    return b.evictionMonitoringPeriod;
  }

  public Clock clock() {
    return b.clock;
  }

  /** Builder; every setter returns this. */
  public static final class Builder {
    private final String nodeName;
    private final Path dataDir;
    private RuntimeKind runtime = RuntimeKind.CRI;
    private Path containerdSocket;
    private String podCidr = "10.42.0.0/24";
    private String clusterCidr = "10.42.0.0/16";
    private String nodeIp;
    private String bindAddress = "0.0.0.0";
    private int port = 10250;
    private String clusterDomain = "cluster.local";
    private List<String> clusterDns = List.of();
    private int maxPods = 110;
    private Map<String, String> nodeLabels = Map.of();
    private Duration nodeStatusUpdateFrequency = Duration.ofSeconds(10);
    private Duration nodeStatusReportFrequency = Duration.ofMinutes(5);
    private Duration nodeLeaseRenewInterval = Duration.ofSeconds(10);
    private int nodeLeaseDurationSeconds = 40;
    private Duration syncFrequency = Duration.ofMinutes(1);
    private Duration plegRelistPeriod = Duration.ofSeconds(1);
    private Duration housekeepingPeriod = Duration.ofSeconds(2);
    private Duration crashLoopBackOffInitial = Duration.ofSeconds(10);
    private Duration crashLoopBackOffMax = Duration.ofMinutes(5);
    private Duration imagePullBackOffInitial = Duration.ofSeconds(10);
    private Duration imagePullBackOffMax = Duration.ofMinutes(5);
    private long containerLogMaxSize = 10L << 20;
    private int containerLogMaxFiles = 5;
    private Duration containerLogMonitorInterval = Duration.ofSeconds(10);
    private Duration statsInterval = Duration.ofSeconds(10);
    private int readOnlyPort;
    private Path staticPodPath;
    private Duration fileCheckFrequency = Duration.ofSeconds(20);
    private long evictionMemoryAvailableBytes = 100L << 20;
    private Duration evictionMonitoringPeriod = Duration.ofSeconds(10);
    private Clock clock = Clock.SYSTEM;

    private Builder(String nodeName, Path dataDir) {
      this.nodeName = Objects.requireNonNull(nodeName);
      this.dataDir = Objects.requireNonNull(dataDir);
    }

    private Builder copy() {
      Builder c = new Builder(nodeName, dataDir);
      c.runtime = runtime;
      c.containerdSocket = containerdSocket;
      c.podCidr = podCidr;
      c.clusterCidr = clusterCidr;
      c.nodeIp = nodeIp;
      c.bindAddress = bindAddress;
      c.port = port;
      c.clusterDomain = clusterDomain;
      c.clusterDns = clusterDns;
      c.maxPods = maxPods;
      c.nodeLabels = nodeLabels;
      c.nodeStatusUpdateFrequency = nodeStatusUpdateFrequency;
      c.nodeStatusReportFrequency = nodeStatusReportFrequency;
      c.nodeLeaseRenewInterval = nodeLeaseRenewInterval;
      c.nodeLeaseDurationSeconds = nodeLeaseDurationSeconds;
      c.syncFrequency = syncFrequency;
      c.plegRelistPeriod = plegRelistPeriod;
      c.housekeepingPeriod = housekeepingPeriod;
      c.crashLoopBackOffInitial = crashLoopBackOffInitial;
      c.crashLoopBackOffMax = crashLoopBackOffMax;
      c.imagePullBackOffInitial = imagePullBackOffInitial;
      c.imagePullBackOffMax = imagePullBackOffMax;
      c.containerLogMaxSize = containerLogMaxSize;
      c.containerLogMaxFiles = containerLogMaxFiles;
      c.containerLogMonitorInterval = containerLogMonitorInterval;
      c.statsInterval = statsInterval;
      c.readOnlyPort = readOnlyPort;
      c.staticPodPath = staticPodPath;
      c.fileCheckFrequency = fileCheckFrequency;
      c.evictionMemoryAvailableBytes = evictionMemoryAvailableBytes;
      c.evictionMonitoringPeriod = evictionMonitoringPeriod;
      c.clock = clock;
      return c;
    }

    public Builder runtime(RuntimeKind v) {
      runtime = Objects.requireNonNull(v);
      return this;
    }

    public Builder containerdSocket(Path v) {
      containerdSocket = v;
      return this;
    }

    public Builder podCidr(String v) {
      podCidr = Objects.requireNonNull(v);
      return this;
    }

    /** The node's pod range comes from its Node object, assigned by the controller manager. */
    public Builder podCidrFromNode() {
      podCidr = null;
      return this;
    }

    public Builder clusterCidr(String v) {
      clusterCidr = Objects.requireNonNull(v);
      return this;
    }

    public Builder nodeIp(String v) {
      nodeIp = v;
      return this;
    }

    public Builder bindAddress(String v) {
      bindAddress = Objects.requireNonNull(v);
      return this;
    }

    public Builder port(int v) {
      port = v;
      return this;
    }

    public Builder clusterDomain(String v) {
      clusterDomain = Objects.requireNonNull(v);
      return this;
    }

    public Builder clusterDns(List<String> v) {
      clusterDns = List.copyOf(v);
      return this;
    }

    public Builder maxPods(int v) {
      maxPods = v;
      return this;
    }

    public Builder nodeLabels(Map<String, String> v) {
      nodeLabels = Map.copyOf(v);
      return this;
    }

    public Builder nodeStatusUpdateFrequency(Duration v) {
      nodeStatusUpdateFrequency = v;
      return this;
    }

    public Builder nodeStatusReportFrequency(Duration v) {
      nodeStatusReportFrequency = v;
      return this;
    }

    public Builder nodeLeaseRenewInterval(Duration v) {
      nodeLeaseRenewInterval = v;
      return this;
    }

    public Builder nodeLeaseDurationSeconds(int v) {
      nodeLeaseDurationSeconds = v;
      return this;
    }

    public Builder syncFrequency(Duration v) {
      syncFrequency = v;
      return this;
    }

    public Builder plegRelistPeriod(Duration v) {
      plegRelistPeriod = v;
      return this;
    }

    public Builder housekeepingPeriod(Duration v) {
      housekeepingPeriod = v;
      return this;
    }

    /** Crash-loop back-off: first delay and cap (upstream: 10 s, 5 min; reset after 2 x cap). */
    public Builder crashLoopBackOff(Duration initial, Duration max) {
      crashLoopBackOffInitial = initial;
      crashLoopBackOffMax = max;
      return this;
    }

    public Builder imagePullBackOff(Duration initial, Duration max) {
      imagePullBackOffInitial = initial;
      imagePullBackOffMax = max;
      return this;
    }

    /** How often the resource usage of the node and its containers is sampled (10 s). */
    public Builder statsInterval(Duration v) {
      statsInterval = Objects.requireNonNull(v);
      return this;
    }

    /**
     * The read-only kubelet port ({@code /healthz}, {@code /pods}, {@code /spec} over plain HTTP,
     * without authentication): 0 (the default) serves none, -1 any free port (for tests).
     */
    public Builder readOnlyPort(int v) {
      readOnlyPort = v;
      return this;
    }

    public Builder containerLogMaxSize(long v) {
      containerLogMaxSize = v;
      return this;
    }

    public Builder containerLogMaxFiles(int v) {
      containerLogMaxFiles = v;
      return this;
    }

    public Builder containerLogMonitorInterval(Duration v) {
      containerLogMonitorInterval = v;
      return this;
    }

    public Builder staticPodPath(Path v) {
      staticPodPath = v;
      return this;
    }

    public Builder fileCheckFrequency(Duration v) {
      fileCheckFrequency = v;
      return this;
    }

    public Builder evictionMemoryAvailableBytes(long v) {
      evictionMemoryAvailableBytes = v;
      return this;
    }

    public Builder evictionMonitoringPeriod(Duration v) {
      evictionMonitoringPeriod = v;
      return this;
    }

    public Builder clock(Clock v) {
      clock = Objects.requireNonNull(v);
      return this;
    }

    public KubeletOptions build() {
      return new KubeletOptions(copy());
    }
  }
}
