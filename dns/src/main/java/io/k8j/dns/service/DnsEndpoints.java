package io.k8j.dns.service;

import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.EndpointSubsetBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.k8j.client.Nodes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which nodes serve cluster DNS, and on which port: every Node annotated {@value #PORT_ANNOTATION}
 * with an InternalIP, ready when the Node is Ready. Pure functions of the Nodes.
 */
public final class DnsEndpoints {
  /** Set on its Node by a node that runs the cluster DNS server: the port it answers on. */
  public static final String PORT_ANNOTATION = "k8j.io/cluster-dns-port";

  /** Set with {@link #PORT_ANNOTATION}: the port its {@code /metrics} answers on, if any. */
  public static final String METRICS_PORT_ANNOTATION = "k8j.io/cluster-dns-metrics-port";

  /** The ports a DNS server answers on: DNS, and metrics (0: none). */
  record Ports(int dns, int metrics) implements Comparable<Ports> {
    @Override
    public int compareTo(Ports o) {
      return dns != o.dns ? Integer.compare(dns, o.dns) : Integer.compare(metrics, o.metrics);
    }

    /** The EndpointSlice's name suffix. */
    String suffix() {
      return metrics > 0 ? dns + "-" + metrics : Integer.toString(dns);
    }
  }

  /** One node that serves DNS. */
  record Server(String nodeName, String ip, Ports ports, boolean ready) {}

  private DnsEndpoints() {}

  /** The DNS servers among {@code nodes}, by ports, in node name order. */
  static Map<Ports, List<Server>> byPort(Collection<Node> nodes) {
    Map<Ports, List<Server>> out = new TreeMap<>();
    List<Node> sorted = new ArrayList<>(nodes);
    sorted.sort(Comparator.comparing(n -> n.getMetadata().getName()));
    for (Node n : sorted) {
      Map<String, String> ann = n.getMetadata().getAnnotations();
      String ip = Nodes.internalIp(n);
      if (ann == null || ip == null || n.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      int p = port(ann.get(PORT_ANNOTATION));
      if (p == 0) {
        continue;
      }
      Ports ports = new Ports(p, port(ann.get(METRICS_PORT_ANNOTATION)));
      out.computeIfAbsent(ports, k -> new ArrayList<>())
          .add(new Server(n.getMetadata().getName(), ip, ports, Nodes.isReady(n)));
    }
    return out;
  }

  /** A port from an annotation's value; 0 when there is none or it is not a port. */
  private static int port(String value) {
    if (value == null) {
      return 0;
    }
    try {
      int p = Integer.parseInt(value);
      return p >= 1 && p <= 65535 ? p : 0;
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  static List<Endpoint> sliceEndpoints(List<Server> servers) {
    List<Endpoint> out = new ArrayList<>();
    for (Server s : servers) {
      out.add(
          new EndpointBuilder()
              .withAddresses(s.ip())
              .withNewConditions()
              .withReady(s.ready())
              .withServing(s.ready())
              .withTerminating(false)
              .endConditions()
              .withNodeName(s.nodeName())
              .build());
    }
    return out;
  }

  static List<EndpointPort> slicePorts(Ports ports) {
    List<EndpointPort> out = new ArrayList<>();
    out.add(new EndpointPort(null, "dns", ports.dns(), "UDP"));
    out.add(new EndpointPort(null, "dns-tcp", ports.dns(), "TCP"));
    if (ports.metrics() > 0) {
      out.add(new EndpointPort(null, "metrics", ports.metrics(), "TCP"));
    }
    return out;
  }

  static List<EndpointSubset> subsets(Map<Ports, List<Server>> byPort) {
    List<EndpointSubset> out = new ArrayList<>();
    for (Map.Entry<Ports, List<Server>> e : byPort.entrySet()) {
      EndpointSubsetBuilder b = new EndpointSubsetBuilder();
      for (Server s : e.getValue()) {
        var address =
            new EndpointAddressBuilder().withIp(s.ip()).withNodeName(s.nodeName()).build();
        if (s.ready()) {
          b.addToAddresses(address);
        } else {
          b.addToNotReadyAddresses(address);
        }
      }
      for (EndpointPort p : slicePorts(e.getKey())) {
        b.addToPorts(
            new EndpointPortBuilder()
                .withName(p.getName())
                .withPort(p.getPort())
                .withProtocol(p.getProtocol())
                .build());
      }
      out.add(b.build());
    }
    return out;
  }
}
