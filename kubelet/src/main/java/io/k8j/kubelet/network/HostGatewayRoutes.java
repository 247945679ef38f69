package io.k8j.kubelet.network;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.k8j.client.CoalescedSync;
import io.k8j.client.Nodes;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pod traffic between nodes, as flannel's host-gw backend: for every other Node with a pod range
 * and an InternalIP, a route {@code <podCIDR> via <InternalIP>}; the route goes when the node does.
 * Pod traffic leaving the cluster CIDR is masqueraded to the node's address. The routes carry their
 * own protocol number ({@value #ROUTE_PROTO}), so a restarted kubelet finds and corrects what an
 * earlier run left; the nodes must share a link (one L2 network), as with host-gw.
 *
 * <p>Synced on every Node change (coalesced) and every 30 s; {@link #close} removes the routes and
 * the masquerade rule.
 */
public final class HostGatewayRoutes implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HostGatewayRoutes.class);
  static final int ROUTE_PROTO = 66;
  static final String MASQ_CHAIN = "K8J-POD-MASQ";

  private final KubernetesClient client;
  private final String nodeName;
  private final String clusterCidr;
  private final HostCommand host;
  private final CoalescedSync syncs =
      new CoalescedSync("host-gw-routes", this::syncFromCache, Duration.ofSeconds(2), LOG);
  private volatile SharedIndexInformer<Node> informer;

  public HostGatewayRoutes(
      KubernetesClient client, String nodeName, String clusterCidr, HostCommand host) {
    this.client = client;
    this.nodeName = nodeName;
    this.clusterCidr = clusterCidr;
    this.host = host;
  }

  /** Sets up forwarding and masquerading, then follows the Nodes. */
  public void start() throws IOException {
    host.run(List.of("sysctl", "-w", "net.ipv4.ip_forward=1"));
    ensureMasquerade();
    SharedIndexInformer<Node> nodes = client.nodes().runnableInformer(0);
    nodes.addEventHandler(syncs.onAnyChange());
    informer = nodes;
    nodes.start();
    syncs.start(Duration.ofSeconds(30));
    LOG.info(
        "node {}: routing to other nodes' pod ranges (host-gw), masquerading pod traffic out of {}",
        nodeName,
        clusterCidr);
  }

  private void syncFromCache() throws IOException {
    SharedIndexInformer<Node> nodes = informer;
    if (nodes == null || !nodes.hasSynced()) {
      throw new IOException("the Nodes are not listed yet");
    }
    sync(nodes.getStore().list());
  }

  /** Makes the kernel's routes of ours exactly {@link #desired}. */
  void sync(Collection<Node> nodes) throws IOException {
    Map<String, String> want = desired(nodes, nodeName);
    Map<String, String> have = installed();
    for (Map.Entry<String, String> e : have.entrySet()) {
      if (!want.containsKey(e.getKey())) {
        host.run(List.of("ip", "route", "del", e.getKey(), "proto", Integer.toString(ROUTE_PROTO)));
        LOG.info(
            "node {}: route to pod range {} via {} removed", nodeName, e.getKey(), e.getValue());
      }
    }
    for (Map.Entry<String, String> e : want.entrySet()) {
      if (!e.getValue().equals(have.get(e.getKey()))) {
        host.run(
            List.of(
                "ip",
                "route",
                "replace",
                e.getKey(),
                "via",
                e.getValue(),
                "proto",
                Integer.toString(ROUTE_PROTO)));
        LOG.info("node {}: route to pod range {} via {} added", nodeName, e.getKey(), e.getValue());
      }
    }
  }

  /** podCIDR -> InternalIP of every other node that has both. */
  static Map<String, String> desired(Collection<Node> nodes, String self) {
    Map<String, String> out = new TreeMap<>();
    for (Node n : nodes) {
      if (n.getMetadata().getName().equals(self) || n.getSpec() == null) {
        continue;
      }
      String cidr = n.getSpec().getPodCIDR();
      String ip = Nodes.internalIp(n);
      if (cidr != null && ip != null && !cidr.contains(":") && !ip.contains(":")) {
        out.put(cidr, ip);
      }
    }
    return out;
  }

  /** Our routes now in the kernel: destination -> gateway. */
  private Map<String, String> installed() throws IOException {
    Map<String, String> out = new TreeMap<>();
    String listing =
        host.run(List.of("ip", "-4", "route", "show", "proto", Integer.toString(ROUTE_PROTO)));
    for (String line : listing.split("\n")) {
      String[] f = line.trim().split("\\s+");
      for (int i = 1; i + 1 < f.length; i++) {
        if (f[i].equals("via")) {
          out.put(f[0], f[i + 1]);
        }
      }
    }
    return out;
  }

  private void ensureMasquerade() throws IOException {
    List<String> nat = List.of("iptables", "-w", "5", "-t", "nat");
    try {
      host.run(concat(nat, "-N", MASQ_CHAIN));
    } catch (IOException e) {
      // exists from an earlier run: rewritten below
    }
    host.run(concat(nat, "-F", MASQ_CHAIN));
    host.run(concat(nat, "-A", MASQ_CHAIN, "-s", clusterCidr, "-d", clusterCidr, "-j", "RETURN"));
    host.run(concat(nat, "-A", MASQ_CHAIN, "-s", clusterCidr, "-d", "224.0.0.0/4", "-j", "RETURN"));
    host.run(concat(nat, "-A", MASQ_CHAIN, "-s", clusterCidr, "-j", "MASQUERADE"));
    try {
      host.run(concat(nat, "-C", "POSTROUTING", "-j", MASQ_CHAIN));
    } catch (IOException e) {
      host.run(concat(nat, "-A", "POSTROUTING", "-j", MASQ_CHAIN));
    }
  }

  private static List<String> concat(List<String> head, String... tail) {
    List<String> out = new ArrayList<>(head);
    out.addAll(List.of(tail));
    return out;
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
    syncs.close();
    try {
      sync(List.of());
      List<String> nat = List.of("iptables", "-w", "5", "-t", "nat");
      host.run(concat(nat, "-D", "POSTROUTING", "-j", MASQ_CHAIN));
      host.run(concat(nat, "-F", MASQ_CHAIN));
      host.run(concat(nat, "-X", MASQ_CHAIN));
    } catch (IOException e) {
      LOG.debug("node {}: cleaning up pod routes: {}", nodeName, e.getMessage());
    }
  }
}
