package io.k8j.proxy;

import io.k8j.common.Clock;
import io.k8j.common.Records;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the service proxy of one node runs. Start from {@link #defaults} and change what differs.
 *
 * @param nodeName this node's name: endpoints with this {@code nodeName} are local
 * @param nodeAddresses the node's IPv4 addresses: node ports listen on them in userspace mode, and
 *     they are the ServiceLB ingress when this node has no Node object yet
 * @param clusterCidr the pods' range, e.g. {@code 10.42.0.0/16}; null if unknown (then traffic to
 *     cluster IPs from outside the cluster is not masqueraded unless {@code masqueradeAll})
 * @param minSyncPeriod the least time between two syncs (upstream default 1 s)
 * @param syncPeriod the most time between two syncs; each one rewrites everything (30 s)
 * @param netns run every iptables command in this network namespace ({@code ip netns exec}); null
 *     for the host's. For tests and benchmarks.
 * @param iptablesCommand {@code iptables}, {@code iptables-legacy} or {@code iptables-nft}
 * @param localhostNodePorts node ports answer on 127.0.0.1 too (upstream default)
 * @param masqueradeAll masquerade all traffic to cluster IPs
 * @param userspaceClusterIpAddress userspace mode: where service ports listen in place of the
 *     cluster IP
 * @param udpIdleTimeout userspace mode: how long a UDP session lives idle (upstream 250 ms)
 * @param loadBalancerStatus act as ServiceLB: write the nodes' addresses into the status of
 *     LoadBalancer Services without a {@code loadBalancerClass}
 */
public record ProxyOptions(
    String nodeName,
    List<String> nodeAddresses,
    ProxyMode mode,
    String clusterCidr,
    Duration minSyncPeriod,
    Duration syncPeriod,
    String netns,
    String iptablesCommand,
    boolean localhostNodePorts,
    boolean masqueradeAll,
    String userspaceClusterIpAddress,
    Duration udpIdleTimeout,
    boolean loadBalancerStatus,
    Clock clock) {

  public ProxyOptions {
    Objects.requireNonNull(nodeName, "nodeName");
    nodeAddresses = List.copyOf(nodeAddresses);
    Objects.requireNonNull(mode, "mode");
    if (minSyncPeriod.isNegative() || syncPeriod.compareTo(minSyncPeriod) < 0) {
      throw new IllegalArgumentException("need 0 <= minSyncPeriod <= syncPeriod");
    }
  }

  public static ProxyOptions defaults(String nodeName, List<String> nodeAddresses) {
    return new ProxyOptions(
        nodeName,
        nodeAddresses,
        ProxyMode.AUTO,
        null,
        Duration.ofSeconds(1),
        Duration.ofSeconds(30),
        null,
        "iptables",
        true,
        false,
        "127.0.0.1",
        Duration.ofMillis(250),
        true,
        Clock.SYSTEM);
  }

  public ProxyOptions withMode(ProxyMode m) {
    return Records.with(this, "mode", m);
  }

  public ProxyOptions withClusterCidr(String cidr) {
    return Records.with(this, "clusterCidr", cidr);
  }

  public ProxyOptions withSyncPeriods(Duration min, Duration max) {
    return Records.with(this, "minSyncPeriod", min, "syncPeriod", max);
  }

  public ProxyOptions withNetns(String ns) {
    return Records.with(this, "netns", ns);
  }

  public ProxyOptions withIptablesCommand(String cmd) {
    return Records.with(this, "iptablesCommand", cmd);
  }

  public ProxyOptions withLocalhostNodePorts(boolean on) {
    return Records.with(this, "localhostNodePorts", on);
  }

  public ProxyOptions withMasqueradeAll(boolean on) {
    return Records.with(this, "masqueradeAll", on);
  }

  public ProxyOptions withUserspaceClusterIpAddress(String ip) {
    return Records.with(this, "userspaceClusterIpAddress", ip);
  }

  public ProxyOptions withUdpIdleTimeout(Duration d) {
    return Records.with(this, "udpIdleTimeout", d);
  }

  public ProxyOptions withLoadBalancerStatus(boolean on) {
    return Records.with(this, "loadBalancerStatus", on);
  }
}
