package io.k8j.dns.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DnsEndpointsTest {
  static Node node(String name, String port, String ip, String ready) {
    NodeBuilder b = new NodeBuilder().withNewMetadata().withName(name).endMetadata();
    if (port != null) {
      b.editMetadata().addToAnnotations(DnsEndpoints.PORT_ANNOTATION, port).endMetadata();
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
                53,
                List.of(
                    new DnsEndpoints.Server("a", "10.99.0.2", 53, true),
                    new DnsEndpoints.Server("c", "10.99.0.4", 53, false)),
                5353,
                List.of(new DnsEndpoints.Server("odd", "10.99.0.5", 5353, true))));
    var subsets = DnsEndpoints.subsets(byPort);
    assertThat(subsets.get(0).getAddresses())
        .extracting(a -> a.getIp())
        .containsExactly("10.99.0.2");
    assertThat(subsets.get(0).getNotReadyAddresses())
        .extracting(a -> a.getIp())
        .containsExactly("10.99.0.4");
    assertThat(DnsEndpoints.sliceEndpoints(byPort.get(53)))
        .extracting(e -> e.getConditions().getReady())
        .containsExactly(true, false);
  }
}
