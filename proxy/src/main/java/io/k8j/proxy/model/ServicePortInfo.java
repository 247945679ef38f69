package io.k8j.proxy.model;

import java.util.List;

/**
 * What the proxy needs of one service port: its virtual addresses and ports and its traffic
 * policies. Only Services with a cluster IP have service ports (headless and ExternalName Services
 * have nothing to route).
 *
 * @param nodePort 0 when the Service has none
 * @param loadBalancerIps {@code status.loadBalancer.ingress[].ip} of a LoadBalancer Service
 * @param stickyMaxAgeSeconds the ClientIP affinity timeout; meaningful when {@code
 *     clientIpAffinity}
 * @param externalPolicyLocal {@code externalTrafficPolicy: Local} on an externally accessible
 *     Service
 */
public record ServicePortInfo(
    ServicePortName name,
    String clusterIp,
    int port,
    int nodePort,
    List<String> externalIps,
    List<String> loadBalancerIps,
    List<String> loadBalancerSourceRanges,
    boolean clientIpAffinity,
    int stickyMaxAgeSeconds,
    boolean internalPolicyLocal,
    boolean externalPolicyLocal) {
  public ServicePortInfo {
    externalIps = List.copyOf(externalIps);
    loadBalancerIps = List.copyOf(loadBalancerIps);
    loadBalancerSourceRanges = List.copyOf(loadBalancerSourceRanges);
  }

  /** Reachable other than through the cluster IP: a node port, load-balancer or external IPs. */
  public boolean externallyAccessible() {
    return nodePort != 0 || !loadBalancerIps.isEmpty() || !externalIps.isEmpty();
  }

  /** Some traffic to this port is routed to endpoints on any node. */
  public boolean usesClusterEndpoints() {
    return !internalPolicyLocal || (externallyAccessible() && !externalPolicyLocal);
  }

  /** Some traffic to this port is routed only to endpoints on this node. */
  public boolean usesLocalEndpoints() {
    return internalPolicyLocal || (externalPolicyLocal && externallyAccessible());
  }
}
