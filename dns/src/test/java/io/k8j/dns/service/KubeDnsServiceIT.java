package io.k8j.dns.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NodeAddressBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.k8j.testing.cluster.TestApiServer;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The kube-dns Service against a real API server: its ports and the endpoints behind them. */
class KubeDnsServiceIT {
  @Test
  void theMetricsPortHasTheNodesThatServeMetricsAsEndpoints() {
    try (TestApiServer api = TestApiServer.start()) {
      KubernetesClient client = api.client();
      String node = "dns-node-" + Long.toHexString(System.nanoTime());
      client
          .resource(new NodeBuilder().withNewMetadata().withName(node).endMetadata().build())
          .create();
      client
          .nodes()
          .withName(node)
          .editStatus(
              n -> {
                NodeStatus s = new NodeStatus();
                s.setAddresses(
                    List.of(
                        new NodeAddressBuilder()
                            .withType("InternalIP")
                            .withAddress("10.99.7.1")
                            .build()));
                s.setConditions(
                    List.of(
                        new NodeConditionBuilder().withType("Ready").withStatus("True").build()));
                n.setStatus(s);
                return n;
              });
      KubeDnsService.advertise(client, node, 53, 9153);
      try (KubeDnsService svc = new KubeDnsService(client, "10.43.0.10")) {
        svc.start();
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () -> {
                  EndpointSlice slice = slice(client, "kube-dns-53-9153");
                  assertThat(slice).isNotNull();
                  assertThat(
                          slice.getPorts().stream()
                              .map(p -> p.getName() + "/" + p.getPort() + "/" + p.getProtocol())
                              .collect(Collectors.toList()))
                      .containsExactlyInAnyOrder(
                          "dns/53/UDP", "dns-tcp/53/TCP", "metrics/9153/TCP");
                  assertThat(slice.getEndpoints())
                      .singleElement()
                      .satisfies(
                          e -> {
                            assertThat(e.getAddresses()).containsExactly("10.99.7.1");
                            assertThat(e.getConditions().getReady()).isTrue();
                          });
                });
        assertThat(
                client
                    .services()
                    .inNamespace("kube-system")
                    .withName("kube-dns")
                    .get()
                    .getSpec()
                    .getPorts())
            .anySatisfy(
                p -> {
                  assertThat(p.getName()).isEqualTo("metrics");
                  assertThat(p.getPort()).isEqualTo(9153);
                });
        assertThat(
                client
                    .endpoints()
                    .inNamespace("kube-system")
                    .withName("kube-dns")
                    .get()
                    .getSubsets())
            .singleElement()
            .satisfies(
                s ->
                    assertThat(s.getPorts())
                        .anySatisfy(p -> assertThat(p.getName()).isEqualTo("metrics")));

        // the node stops serving metrics: its endpoints lose the port
        KubeDnsService.advertise(client, node, 53, 0);
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () -> {
                  assertThat(slice(client, "kube-dns-53-9153")).isNull();
                  EndpointSlice plain = slice(client, "kube-dns-53");
                  assertThat(plain).isNotNull();
                  assertThat(plain.getPorts())
                      .extracting(p -> p.getName())
                      .containsExactlyInAnyOrder("dns", "dns-tcp");
                });
      }
    }
  }

  private static EndpointSlice slice(KubernetesClient client, String name) {
    return client.discovery().v1().endpointSlices().inNamespace("kube-system").withName(name).get();
  }
}
