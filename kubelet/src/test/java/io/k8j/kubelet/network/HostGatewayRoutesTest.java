package io.k8j.kubelet.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HostGatewayRoutesTest {
  static Node node(String name, String podCidr, String ip) {
    NodeBuilder b =
        new NodeBuilder()
            .withNewMetadata()
            .withName(name)
            .endMetadata()
            .withNewSpec()
            .withPodCIDR(podCidr)
            .endSpec();
    if (ip != null) {
      b.withNewStatus()
          .addNewAddress()
          .withType("InternalIP")
          .withAddress(ip)
          .endAddress()
          .endStatus();
    }
    return b.build();
  }

  @Test
  void everyOtherNodeWithARangeAndAnAddressIsAHop() {
    assertThat(
            HostGatewayRoutes.desired(
                List.of(
                    node("self", "10.42.0.0/24", "10.99.0.2"),
                    node("b", "10.42.1.0/24", "10.99.0.3"),
                    node("no-range", null, "10.99.0.4"),
                    node("no-address", "10.42.3.0/24", null)),
                "self"))
        .isEqualTo(Map.of("10.42.1.0/24", "10.99.0.3"));
  }

  @Test
  void syncAddsMissingRoutesAndRemovesThoseOfNodesThatWentOrMoved() throws Exception {
    List<String> ran = new ArrayList<>();
    HostCommand fake =
        cmd -> {
          ran.add(String.join(" ", cmd));
          if (cmd.contains("show")) {
            return "10.42.1.0/24 via 10.99.0.3 dev eth0 proto 66\n"
                + "10.42.2.0/24 via 10.99.0.9 dev eth0 proto 66\n"
                + "10.42.5.0/24 via 10.99.0.5 dev eth0 proto 66\n";
          }
          return "";
        };
    HostGatewayRoutes routes = new HostGatewayRoutes(null, "self", "10.42.0.0/16", fake);
    routes.sync(
        List.of(
            node("self", "10.42.0.0/24", "10.99.0.2"),
            node("b", "10.42.1.0/24", "10.99.0.3"),
            node("c", "10.42.2.0/24", "10.99.0.4"),
            node("d", "10.42.3.0/24", "10.99.0.6")));
    assertThat(ran)
        .containsExactly(
            "ip -4 route show proto 66",
            "ip route del 10.42.5.0/24 proto 66",
            "ip route replace 10.42.2.0/24 via 10.99.0.4 proto 66",
            "ip route replace 10.42.3.0/24 via 10.99.0.6 proto 66");
  }
}
