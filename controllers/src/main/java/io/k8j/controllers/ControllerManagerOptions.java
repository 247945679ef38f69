package io.k8j.controllers;

import io.k8j.common.Clock;
import java.time.Duration;
import java.util.Set;

/**
 * How the controller manager runs, with upstream's defaults ({@link #defaults()}); names follow
 * kube-controller-manager's flags. Change some with {@code defaults().toBuilder()...build()}.
 *
 * @param controllers the controllers to run (names as in {@link ControllerManager#ALL})
 * @param leaderElect whether to act only while holding the Lease {@code leaseNamespace/leaseName}
 * @param identity this instance's name in the Lease
 * @param leaseDuration how long others wait after the last renewal before taking over
 * @param renewDeadline how long the leader acts without renewing before it stops
 * @param retryPeriod how often to try to acquire or renew
 * @param nodeMonitorGracePeriod how long a node may go without a heartbeat before it is Unknown
 * @param nodeStartupGracePeriod the same for a node that has never been Ready
 * @param nodeMonitorPeriod how often node health is checked
 * @param nodeEvictionRate nodes per second whose pods may be evicted in a healthy zone
 * @param secondaryNodeEvictionRate the same in a partially unhealthy zone of a large cluster
 * @param largeClusterSizeThreshold the zone size from which the secondary rate applies
 * @param unhealthyZoneThreshold the share of not-ready nodes from which a zone is unhealthy
 * @param terminatedPodGcThreshold terminated pods kept before the oldest go (0 keeps them all)
 * @param podGcPeriod how often the pod garbage collector runs
 * @param garbageCollectorResyncPeriod how often discovery is read again for new resources
 * @param namespaceSyncPeriod how often namespaces being deleted are looked at again
 * @param allocateNodeCidrs whether nodes get their pod range from the cluster CIDR
 * @param clusterCidr the range pod IPs come from
 * @param nodeCidrMaskSize the prefix length of each node's pod range
 * @param clock the clock every controller uses
 */
public record ControllerManagerOptions(
    Set<String> controllers,
    boolean leaderElect,
    String leaseNamespace,
    String leaseName,
    String identity,
    Duration leaseDuration,
    Duration renewDeadline,
    Duration retryPeriod,
    int concurrentDeploymentSyncs,
    int concurrentReplicaSetSyncs,
    int concurrentRcSyncs,
    int concurrentGcSyncs,
    int concurrentNamespaceSyncs,
    int concurrentEndpointSyncs,
    int concurrentServiceEndpointSyncs,
    int concurrentServiceAccountSyncs,
    int concurrentTtlSyncs,
    int concurrentJobSyncs,
    Duration nodeMonitorGracePeriod,
    Duration nodeStartupGracePeriod,
    Duration nodeMonitorPeriod,
    double nodeEvictionRate,
    double secondaryNodeEvictionRate,
    int largeClusterSizeThreshold,
    double unhealthyZoneThreshold,
    int terminatedPodGcThreshold,
    Duration podGcPeriod,
    Duration garbageCollectorResyncPeriod,
    Duration namespaceSyncPeriod,
    boolean allocateNodeCidrs,
    String clusterCidr,
    int nodeCidrMaskSize,
    Clock clock) {

  public static ControllerManagerOptions defaults() {
    return new Builder().build();
  }

  private static String defaultIdentity() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      host = "localhost";
    }
    return host + "_" + java.util.UUID.randomUUID();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.controllers = controllers;
    b.leaderElect = leaderElect;
    b.leaseNamespace = leaseNamespace;
    b.leaseName = leaseName;
    b.identity = identity;
    b.leaseDuration = leaseDuration;
    b.renewDeadline = renewDeadline;
    b.retryPeriod = retryPeriod;
    b.concurrentDeploymentSyncs = concurrentDeploymentSyncs;
    b.concurrentReplicaSetSyncs = concurrentReplicaSetSyncs;
    b.concurrentRcSyncs = concurrentRcSyncs;
    b.concurrentGcSyncs = concurrentGcSyncs;
    b.concurrentNamespaceSyncs = concurrentNamespaceSyncs;
    b.concurrentEndpointSyncs = concurrentEndpointSyncs;
    b.concurrentServiceEndpointSyncs = concurrentServiceEndpointSyncs;
    b.concurrentServiceAccountSyncs = concurrentServiceAccountSyncs;
    b.concurrentTtlSyncs = concurrentTtlSyncs;
    b.concurrentJobSyncs = concurrentJobSyncs;
    b.nodeMonitorGracePeriod = nodeMonitorGracePeriod;
    b.nodeStartupGracePeriod = nodeStartupGracePeriod;
    b.nodeMonitorPeriod = nodeMonitorPeriod;
    b.nodeEvictionRate = nodeEvictionRate;
    b.secondaryNodeEvictionRate = secondaryNodeEvictionRate;
    b.largeClusterSizeThreshold = largeClusterSizeThreshold;
    b.unhealthyZoneThreshold = unhealthyZoneThreshold;
    b.terminatedPodGcThreshold = terminatedPodGcThreshold;
    b.podGcPeriod = podGcPeriod;
    b.garbageCollectorResyncPeriod = garbageCollectorResyncPeriod;
    b.namespaceSyncPeriod = namespaceSyncPeriod;
    b.allocateNodeCidrs = allocateNodeCidrs;
    b.clusterCidr = clusterCidr;
    b.nodeCidrMaskSize = nodeCidrMaskSize;
    b.clock = clock;
    return b;
  }

  /** Options changed one at a time. */
  public static final class Builder {
    private Set<String> controllers = ControllerManager.ALL;
    private boolean leaderElect = true;
    private String leaseNamespace = "kube-system";
    private String leaseName = "kube-controller-manager";
    private String identity = defaultIdentity();
    private Duration leaseDuration = Duration.ofSeconds(15);
    private Duration renewDeadline = Duration.ofSeconds(10);
    private Duration retryPeriod = Duration.ofSeconds(2);
    private int concurrentDeploymentSyncs = 5;
    private int concurrentReplicaSetSyncs = 5;
    private int concurrentRcSyncs = 5;
    private int concurrentGcSyncs = 20;
    private int concurrentNamespaceSyncs = 10;
    private int concurrentEndpointSyncs = 5;
    private int concurrentServiceEndpointSyncs = 5;
    private int concurrentServiceAccountSyncs = 1;
    private int concurrentTtlSyncs = 5;
    private int concurrentJobSyncs = 5;
    private Duration nodeMonitorGracePeriod = Duration.ofSeconds(50);
    private Duration nodeStartupGracePeriod = Duration.ofSeconds(60);
    private Duration nodeMonitorPeriod = Duration.ofSeconds(5);
    private double nodeEvictionRate = 0.1;
    private double secondaryNodeEvictionRate = 0.01;
    private int largeClusterSizeThreshold = 50;
    private double unhealthyZoneThreshold = 0.55;
    private int terminatedPodGcThreshold = 12500;
    private Duration podGcPeriod = Duration.ofSeconds(20);
    private Duration garbageCollectorResyncPeriod = Duration.ofSeconds(30);
    private Duration namespaceSyncPeriod = Duration.ofMinutes(5);
    private boolean allocateNodeCidrs = true;
    private String clusterCidr = "10.42.0.0/16";
    private int nodeCidrMaskSize = 24;
    private Clock clock = Clock.SYSTEM;

    public Builder controllers(Set<String> controllers) {
      this.controllers = Set.copyOf(controllers);
      return this;
    }

    public Builder leaderElect(boolean leaderElect) {
      this.leaderElect = leaderElect;
      return this;
    }

    public Builder leaseNamespace(String leaseNamespace) {
      this.leaseNamespace = leaseNamespace;
      return this;
    }

    public Builder leaseName(String leaseName) {
      this.leaseName = leaseName;
      return this;
    }

    public Builder identity(String identity) {
      this.identity = identity;
      return this;
    }

    public Builder leaseDuration(Duration leaseDuration) {
      this.leaseDuration = leaseDuration;
      return this;
    }

    public Builder renewDeadline(Duration renewDeadline) {
      this.renewDeadline = renewDeadline;
      return this;
    }

    public Builder retryPeriod(Duration retryPeriod) {
      this.retryPeriod = retryPeriod;
      return this;
    }

    public Builder concurrentDeploymentSyncs(int concurrentDeploymentSyncs) {
      this.concurrentDeploymentSyncs = concurrentDeploymentSyncs;
      return this;
    }

    public Builder concurrentReplicaSetSyncs(int concurrentReplicaSetSyncs) {
      this.concurrentReplicaSetSyncs = concurrentReplicaSetSyncs;
      return this;
    }

    public Builder concurrentRcSyncs(int concurrentRcSyncs) {
      this.concurrentRcSyncs = concurrentRcSyncs;
      return this;
    }

    public Builder concurrentGcSyncs(int concurrentGcSyncs) {
      this.concurrentGcSyncs = concurrentGcSyncs;
      return this;
    }

    public Builder concurrentNamespaceSyncs(int concurrentNamespaceSyncs) {
      this.concurrentNamespaceSyncs = concurrentNamespaceSyncs;
      return this;
    }

    public Builder concurrentEndpointSyncs(int concurrentEndpointSyncs) {
      this.concurrentEndpointSyncs = concurrentEndpointSyncs;
      return this;
    }

    public Builder concurrentServiceEndpointSyncs(int concurrentServiceEndpointSyncs) {
      this.concurrentServiceEndpointSyncs = concurrentServiceEndpointSyncs;
      return this;
    }

    public Builder concurrentServiceAccountSyncs(int concurrentServiceAccountSyncs) {
      this.concurrentServiceAccountSyncs = concurrentServiceAccountSyncs;
      return this;
    }

    public Builder concurrentTtlSyncs(int concurrentTtlSyncs) {
      this.concurrentTtlSyncs = concurrentTtlSyncs;
      return this;
    }

    public Builder concurrentJobSyncs(int concurrentJobSyncs) {
      this.concurrentJobSyncs = concurrentJobSyncs;
      return this;
    }

    public Builder nodeMonitorGracePeriod(Duration nodeMonitorGracePeriod) {
      this.nodeMonitorGracePeriod = nodeMonitorGracePeriod;
      return this;
    }

    public Builder nodeStartupGracePeriod(Duration nodeStartupGracePeriod) {
      this.nodeStartupGracePeriod = nodeStartupGracePeriod;
      return this;
    }

    public Builder nodeMonitorPeriod(Duration nodeMonitorPeriod) {
      this.nodeMonitorPeriod = nodeMonitorPeriod;
      return this;
    }

    public Builder nodeEvictionRate(double nodeEvictionRate) {
      this.nodeEvictionRate = nodeEvictionRate;
      return this;
    }

    public Builder secondaryNodeEvictionRate(double secondaryNodeEvictionRate) {
      this.secondaryNodeEvictionRate = secondaryNodeEvictionRate;
      return this;
    }

    public Builder largeClusterSizeThreshold(int largeClusterSizeThreshold) {
      this.largeClusterSizeThreshold = largeClusterSizeThreshold;
      return this;
    }

    public Builder unhealthyZoneThreshold(double unhealthyZoneThreshold) {
      this.unhealthyZoneThreshold = unhealthyZoneThreshold;
      return this;
    }

    public Builder terminatedPodGcThreshold(int terminatedPodGcThreshold) {
      this.terminatedPodGcThreshold = terminatedPodGcThreshold;
      return this;
    }

    public Builder podGcPeriod(Duration podGcPeriod) {
      this.podGcPeriod = podGcPeriod;
      return this;
    }

    public Builder garbageCollectorResyncPeriod(Duration garbageCollectorResyncPeriod) {
      this.garbageCollectorResyncPeriod = garbageCollectorResyncPeriod;
      return this;
    }

    public Builder namespaceSyncPeriod(Duration namespaceSyncPeriod) {
      this.namespaceSyncPeriod = namespaceSyncPeriod;
      return this;
    }

    public Builder allocateNodeCidrs(boolean allocateNodeCidrs) {
      this.allocateNodeCidrs = allocateNodeCidrs;
      return this;
    }

    public Builder clusterCidr(String clusterCidr) {
      this.clusterCidr = clusterCidr;
      return this;
    }

    public Builder nodeCidrMaskSize(int nodeCidrMaskSize) {
      this.nodeCidrMaskSize = nodeCidrMaskSize;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    public ControllerManagerOptions build() {
      return new ControllerManagerOptions(
          controllers,
          leaderElect,
          leaseNamespace,
          leaseName,
          identity,
          leaseDuration,
          renewDeadline,
          retryPeriod,
          concurrentDeploymentSyncs,
          concurrentReplicaSetSyncs,
          concurrentRcSyncs,
          concurrentGcSyncs,
          concurrentNamespaceSyncs,
          concurrentEndpointSyncs,
          concurrentServiceEndpointSyncs,
          concurrentServiceAccountSyncs,
          concurrentTtlSyncs,
          concurrentJobSyncs,
          nodeMonitorGracePeriod,
          nodeStartupGracePeriod,
          nodeMonitorPeriod,
          nodeEvictionRate,
          secondaryNodeEvictionRate,
          largeClusterSizeThreshold,
          unhealthyZoneThreshold,
          terminatedPodGcThreshold,
          podGcPeriod,
          garbageCollectorResyncPeriod,
          namespaceSyncPeriod,
          allocateNodeCidrs,
          clusterCidr,
          nodeCidrMaskSize,
          clock);
    }
  }
}
