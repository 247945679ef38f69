package io.k8j.proxy.servicelb;

import static io.k8j.proxy.testing.Services.service;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.k8j.client.fake.FakeInformer;
import io.k8j.client.fake.FakeInformers;
import io.k8j.client.fake.RecordingWriter;
import io.k8j.common.FakeClock;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadBalancerStatusControllerTest {
  final FakeClock clock = new FakeClock();
  final FakeInformers caches = new FakeInformers();
  final FakeInformer<Service> services = caches.forType(Service.class);
  final FakeInformer<Node> nodes = caches.forType(Node.class);
  final RecordingWriter writer = new RecordingWriter(caches, clock);
  final LoadBalancerStatusController controller =
      new LoadBalancerStatusController(
          services, nodes, writer, "node-a", List.of("192.168.1.10"), clock);

  static Node node(String name, boolean ready, String internal, String external) {
    NodeBuilder b =
        new NodeBuilder()
            .withNewMetadata()
            .withName(name)
            .endMetadata()
            .withNewStatus()
            .addNewCondition()
            .withType("Ready")
            .withStatus(ready ? "True" : "False")
            .endCondition()
            .addNewAddress()
            .withType("InternalIP")
            .withAddress(internal)
            .endAddress()
            .addNewAddress()
            .withType("Hostname")
            .withAddress(name)
            .endAddress()
            .endStatus();
    if (external != null) {
      b.editStatus()
          .addNewAddress()
          .withType("ExternalIP")
          .withAddress(external)
          .endAddress()
          .endStatus();
    }
    return b.build();
  }

  List<String> ingress(String key) {
    Service s = services.get(key);
    if (s.getStatus() == null || s.getStatus().getLoadBalancer() == null) {
      return List.of();
    }
    return s.getStatus().getLoadBalancer().getIngress().stream()
        .map(LoadBalancerIngress::getIp)
        .toList();
  }

  @Test
  void withoutNodeObjectsTheServiceGetsThisNodesAddresses() {
    services.seed(
        service("ns/lb")
            .type("LoadBalancer")
            .clusterIp("10.43.0.5")
            .port("", 80, "TCP", 30080)
            .build());
    controller.sync("ns/lb");
    assertThat(writer.log()).containsExactly("update/status Service ns/lb");
    assertThat(ingress("ns/lb")).containsExactly("192.168.1.10");
    assertThat(
            services.get("ns/lb").getStatus().getLoadBalancer().getIngress().getFirst().getIpMode())
        .isEqualTo("VIP");
  }

  @Test
  void readyNodesExternalAddressesElseInternalOnesSorted() {
    nodes.seed(node("node-a", true, "192.168.1.10", null));
    nodes.seed(node("node-b", true, "192.168.1.11", "203.0.113.11"));
    nodes.seed(node("node-c", false, "192.168.1.12", null));
    services.seed(
        service("ns/lb")
            .type("LoadBalancer")
            .clusterIp("10.43.0.5")
            .port("", 80, "TCP", 30080)
            .build());
    controller.sync("ns/lb");
    assertThat(ingress("ns/lb")).containsExactly("192.168.1.10", "203.0.113.11");
  }

  @Test
  void anUpToDateServiceIsNotWritten() {
    services.seed(
        service("ns/lb")
            .type("LoadBalancer")
            .clusterIp("10.43.0.5")
            .port("", 80, "TCP", 30080)
            .ingress("192.168.1.10")
            .build());
    controller.sync("ns/lb");
    assertThat(writer.log()).isEmpty();
  }

  @Test
  void servicesOfAnotherLoadBalancerClassAreLeftAlone() {
    Service svc =
        service("ns/lb")
            .type("LoadBalancer")
            .clusterIp("10.43.0.5")
            .port("", 80, "TCP", 30080)
            .build();
    svc.getSpec().setLoadBalancerClass("example.com/other");
    services.seed(svc);
    controller.sync("ns/lb");
    assertThat(writer.log()).isEmpty();
  }

  @Test
  void aServiceNoLongerALoadBalancerLosesTheIngressItWasGiven() {
    services.seed(
        service("ns/lb")
            .clusterIp("10.43.0.5")
            .port("", 80, "TCP")
            .ingress("192.168.1.10")
            .build());
    controller.sync("ns/lb");
    assertThat(writer.log()).containsExactly("update/status Service ns/lb");
    assertThat(ingress("ns/lb")).isEmpty();
  }

  @Test
  void anIngressSomeoneElseWroteIsKept() {
    services.seed(
        service("ns/lb")
            .clusterIp("10.43.0.5")
            .port("", 80, "TCP")
            .ingress("198.51.100.1")
            .build());
    controller.sync("ns/lb");
    assertThat(writer.log()).isEmpty();
  }
}
