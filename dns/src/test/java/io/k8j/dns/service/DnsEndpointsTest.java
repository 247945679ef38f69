package io.k8j.dns.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DnsEndpointsTest {
  static final DnsEndpoints.Ports P53 = new DnsEndpoints.Ports(53, 0);
  static final DnsEndpoints.Ports P5353 = new DnsEndpoints.Ports(5353, 0);

  static Node node(String name, String port, String ip, String ready) {
    return node(name, port, null, ip, ready);
  }

  static Node node(String name, String port, String metricsPort, String ip, String ready) {
    NodeBuilder b = new NodeBuilder().withNewMetadata().withName(name).endMetadata();
    if (port != null) {
      b.editMetadata().addToAnnotations(DnsEndpoints.PORT_ANNOTATION, port).endMetadata();
    }
    if (metricsPort != null) {
      b.editMetadata()
          .addToAnnotations(DnsEndpoints.METRICS_PORT_ANNOTATION, metricsPort)
          .endMetadata();
    }
    b.withNewStatus()
        .addNewAddress()
        .withType("InternalIP")
        .withAddress(ip)
        .endAddress()
        .addNewCondition()
        .withType("Ready")
        .withStatus(ready)
        .endCondition()
        .endStatus();
    return b.build();
  }

  @Test
  void theNodesThatSayTheyServeDnsAreItsEndpointsReadyWhileTheNodeIs() {
    var byPort =
        DnsEndpoints.byPort(
            List.of(
                node("c", "53", "10.99.0.4", "Unknown"),
                node("a", "53", "10.99.0.2", "True"),
                node("no-dns", null, "10.99.0.3", "True"),
                node("odd", "5353", "10.99.0.5", "True"),
                node("bad", "x", "10.99.0.6", "True")));
    assertThat(byPort)
        .isEqualTo(
            Map.of(
                P53,
                List.of(
                    new DnsEndpoints.Server("a", "10.99.0.2", P53, true),
                    new DnsEndpoints.Server("c", "10.99.0.4", P53, false)),
                P5353,
                List.of(new DnsEndpoints.Server("odd", "10.99.0.5", P5353, true))));
    var subsets = DnsEndpoints.subsets(byPort);
    assertThat(subsets.get(0).getAddresses())
        .extracting(a -> a.getIp())
        .containsExactly("10.99.0.2");
    assertThat(subsets.get(0).getNotReadyAddresses())
        .extracting(a -> a.getIp())
        .containsExactly("10.99.0.4");
    assertThat(DnsEndpoints.sliceEndpoints(byPort.get(P53)))
        .extracting(e -> e.getConditions().getReady())
        .containsExactly(true, false);
  }

  @Test
  void aServerWithMetricsHasTheMetricsPortInItsSliceAndSubset() {
    var byPort =
        DnsEndpoints.byPort(
            List.of(
                node("m", "53", "9153", "10.99.0.7", "True"),
                node("bad-metrics", "53", "70000", "10.99.0.8", "True")));
    DnsEndpoints.Ports withMetrics = new DnsEndpoints.Ports(53, 9153);
    assertThat(byPort.keySet()).containsExactly(P53, withMetrics);
    assertThat(withMetrics.suffix()).isEqualTo("53-9153");
    assertThat(DnsEndpoints.slicePorts(withMetrics))
        .extracting(p -> p.getName() + "/" + p.getPort() + "/" + p.getProtocol())
        .containsExactly("dns/53/UDP", "dns-tcp/53/TCP", "metrics/9153/TCP");
    assertThat(DnsEndpoints.subsets(Map.of(withMetrics, byPort.get(withMetrics))).get(0).getPorts())
        .extracting(p -> p.getName() + "/" + p.getPort())
        .containsExactly("dns/53", "dns-tcp/53", "metrics/9153");
  }
}
