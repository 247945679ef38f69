package io.k8j.kubelet.network;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host side of the node's CNI bridge, which the bridge plugin creates on the first pod. At
 * start {@link #replaceStale} removes what an earlier kubelet left: another k8j bridge holding
 * addresses of this node's pod range (two bridges routing one range break both), or this node's own
 * bridge with another range. {@link #close} removes the bridge once no pod is attached to it, so a
 * clean shutdown after the pods are gone leaves nothing; a bridge with pods on it stays (their
 * containers outlive the kubelet and are adopted by the next one). Only as root; elsewhere the
 * plugin made nothing.
 */
public final class PodBridge implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PodBridge.class);

  /** What {@link CniNetworkConfig#bridgeName} makes, and nothing a test or a user names. */
  static final Pattern K8J_BRIDGE = Pattern.compile("k8j[0-9a-f]{8}");

  private final CniNetworkConfig net;
  private final HostCommand host;

  public PodBridge(CniNetworkConfig net, HostCommand host) {
    this.net = net;
    this.host = host;
  }

  public static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }

  public String name() {
    return net.bridge();
  }

  /** Removes stale k8j bridges in this node's way; keeps (and warns about) any with pods on it. */
  public void replaceStale() {
    List<BridgeAddress> addresses;
    try {
      addresses = parse(host.run(List.of("ip", "-o", "-4", "addr", "show", "type", "bridge")));
    } catch (IOException e) {
      LOG.debug("cannot list bridges: {}", e.getMessage());
      return;
    }
    String own = net.gateway() + net.podCidr().substring(net.podCidr().indexOf('/'));
    for (String bridge : stale(addresses, net.bridge(), own, net.podCidr())) {
      List<String> ports = ports(bridge);
      if (!ports.isEmpty()) {
        LOG.warn(
            "bridge {} holds addresses of pod range {} but has interfaces {} attached: left alone",
            bridge,
            net.podCidr(),
            ports);
        continue;
      }
      delete(bridge, "stale, in the way of pod range " + net.podCidr());
    }
  }

  /** An IPv4 address on a bridge, as {@code ip -o -4 addr} prints it. */
  record BridgeAddress(String bridge, String cidr) {}

  static List<BridgeAddress> parse(String listing) {
    List<BridgeAddress> out = new ArrayList<>();
    for (String line : listing.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length > 3 && f[2].equals("inet")) {
        out.add(new BridgeAddress(f[1], f[3]));
      }
    }
    return out;
  }

  /**
   * The k8j bridges to remove: any other holding an address that overlaps {@code podCidr}, and
   * {@code own} when it holds an address other than {@code ownAddress}.
   */
  static List<String> stale(
      List<BridgeAddress> addresses, String own, String ownAddress, String podCidr) {
    List<String> out = new ArrayList<>();
    for (BridgeAddress a : addresses) {
      if (!K8J_BRIDGE.matcher(a.bridge()).matches() || out.contains(a.bridge())) {
        continue;
      }
      boolean ours = a.bridge().equals(own);
      if (ours ? !a.cidr().equals(ownAddress) : Ipv4Cidr.overlap(a.cidr(), podCidr)) {
        out.add(a.bridge());
      }
    }
    return out;
  }

  private List<String> ports(String bridge) {
    List<String> out = new ArrayList<>();
    try {
      for (String line :
          host.run(List.of("ip", "-o", "link", "show", "master", bridge)).split("\n")) {
        String[] f = line.trim().split(":\\s+");
        if (f.length > 1) {
          out.add(f[1].split("[@\\s]")[0]);
        }
      }
    } catch (IOException e) {
      LOG.debug("cannot list the interfaces on {}: {}", bridge, e.getMessage());
    }
    return out;
  }

  private boolean exists(String bridge) {
    try {
      host.run(List.of("ip", "link", "show", "dev", bridge));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private void delete(String bridge, String why) {
    try {
      host.run(List.of("ip", "link", "del", bridge));
      LOG.info("bridge {} removed ({})", bridge, why);
    } catch (IOException e) {
      LOG.warn("could not remove bridge {}: {}", bridge, e.getMessage());
    }
  }

  /** Removes the bridge when it exists and no pod is attached to it. */
  @Override
  public void close() {
    String bridge = net.bridge();
    if (!exists(bridge)) {
      return;
    }
    List<String> ports = ports(bridge);
    if (ports.isEmpty()) {
      delete(bridge, "no pod left on it");
    } else {
      LOG.info("bridge {} kept: pods still attached ({})", bridge, ports.size());
    }
  }
}
