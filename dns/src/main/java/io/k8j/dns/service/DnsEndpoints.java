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

  /** One node that serves DNS. */
  record Server(String nodeName, String ip, int port, boolean ready) {}

  private DnsEndpoints() {}

  /** The DNS servers among {@code nodes}, by port, in node name order. */
  static Map<Integer, List<Server>> byPort(Collection<Node> nodes) {
    Map<Integer, List<Server>> out = new TreeMap<>();
    List<Node> sorted = new ArrayList<>(nodes);
    sorted.sort(Comparator.comparing(n -> n.getMetadata().getName()));
    for (Node n : sorted) {
      Map<String, String> ann = n.getMetadata().getAnnotations();
      String port = ann == null ? null : ann.get(PORT_ANNOTATION);
      String ip = Nodes.internalIp(n);
      if (port == null || ip == null || n.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      int p;
      try {
        p = Integer.parseInt(port);
      } catch (NumberFormatException e) {
        continue;
      }
      if (p < 1 || p > 65535) {
        continue;
      }
      out.computeIfAbsent(p, k -> new ArrayList<>())
          .add(new Server(n.getMetadata().getName(), ip, p, Nodes.isReady(n)));
    }
    return out;
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

  static List<EndpointPort> slicePorts(int port) {
    return List.of(
        new EndpointPort(null, "dns", port, "UDP"), new EndpointPort(null, "dns-tcp", port, "TCP"));
  }

  static List<EndpointSubset> subsets(Map<Integer, List<Server>> byPort) {
    List<EndpointSubset> out = new ArrayList<>();
    for (Map.Entry<Integer, List<Server>> e : byPort.entrySet()) {
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
      b.addToPorts(
          new EndpointPortBuilder()
              .withName("dns")
              .withPort(e.getKey())
              .withProtocol("UDP")
              .build(),
          new EndpointPortBuilder()
              .withName("dns-tcp")
              .withPort(e.getKey())
              .withProtocol("TCP")
              .build());
      out.add(b.build());
    }
    return out;
  }
}
