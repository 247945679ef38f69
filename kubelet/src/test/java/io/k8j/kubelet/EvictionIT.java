package io.k8j.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.k8j.kubelet.e2e.StableClasspath;
import io.k8j.testing.cluster.TestApiServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Node-pressure eviction: a node whose memory.available threshold is above what any machine has is
 * always under pressure; it reports MemoryPressure and evicts the BestEffort pod before the
 * Guaranteed one.
 */
class EvictionIT {
  static Pod pod(String name, boolean guaranteed) {
    PodBuilder b =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace("default")
            .endMetadata()
            .withNewSpec()
            .withNodeName("pressed")
            .addNewContainer()
            .withName("app")
            .withImage("app:1")
            .endContainer()
            .endSpec();
    if (guaranteed) {
      Map<String, Quantity> r = Map.of("cpu", new Quantity("100m"), "memory", new Quantity("64Mi"));
      b.editSpec()
          .editFirstContainer()
          .withNewResources()
          .withLimits(r)
          .withRequests(r)
          .endResources()
          .endContainer()
          .endSpec();
    }
    return b.build();
  }

  @Test
  void underMemoryPressureBestEffortPodsAreEvictedFirst() throws Exception {
    StableClasspath.preload(
        TestApiServer.class,
        io.k8j.apiserver.ApiServer.class,
        io.k8j.store.embedded.EmbeddedStore.class);
    Path dir = Files.createTempDirectory("k8j-eviction-");
    try (TestApiServer api = TestApiServer.start()) {
      KubernetesClient client = api.client();
      client.pods().inNamespace("default").resource(pod("guaranteed", true)).create();
      client.pods().inNamespace("default").resource(pod("besteffort", false)).create();
      Kubelet kubelet =
          new Kubelet(
              client,
              KubeletOptions.builder("pressed", dir)
                  .runtime(RuntimeKind.SIMULATED)
                  .port(-1)
                  .podCidr("10.45.0.0/24")
                  .nodeStatusUpdateFrequency(Duration.ofSeconds(1))
                  .evictionMemoryAvailableBytes(Long.MAX_VALUE / 2)
                  .evictionMonitoringPeriod(Duration.ofSeconds(3))
                  .build());
      try {
        kubelet.start();
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () -> {
                  Pod p = client.pods().inNamespace("default").withName("besteffort").get();
                  assertThat(p.getStatus().getPhase()).isEqualTo("Failed");
                  assertThat(p.getStatus().getReason()).isEqualTo("Evicted");
                  assertThat(p.getStatus().getMessage())
                      .startsWith("The node was low on resource: memory.");
                  assertThat(
                          client
                              .pods()
                              .inNamespace("default")
                              .withName("guaranteed")
                              .get()
                              .getStatus()
                              .getPhase())
                      .isEqualTo("Running");
                });
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () ->
                    assertThat(client.nodes().withName("pressed").get().getStatus().getConditions())
                        .anySatisfy(
                            c -> {
                              assertThat(c.getType()).isEqualTo("MemoryPressure");
                              assertThat(c.getStatus()).isEqualTo("True");
                              assertThat(c.getReason()).isEqualTo("KubeletHasInsufficientMemory");
                            }));
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    "Evicted"
                        .equals(
                            client
                                .pods()
                                .inNamespace("default")
                                .withName("guaranteed")
                                .get()
                                .getStatus()
                                .getReason()));
      } finally {
        kubelet.close();
      }
    }
  }
}
