package io.k8j.scheduler;

import static io.k8j.scheduler.TestObjects.node;
import static io.k8j.scheduler.TestObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.k8j.scheduler.config.ConfigurationLoader;
import io.k8j.testing.cluster.TestApiServer;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** One scheduler with two profiles, configured from KubeSchedulerConfiguration YAML. */
class ProfilesIT {
  private static final String CONFIG =
      """
      apiVersion: kubescheduler.config.k8s.io/v1
      kind: KubeSchedulerConfiguration
      leaderElection:
        leaderElect: false
      profiles:
      - schedulerName: default-scheduler
      - schedulerName: bin-packing
        plugins:
          score:
            disabled:
            - name: NodeResourcesBalancedAllocation
            - name: PodTopologySpread
        pluginConfig:
        - name: NodeResourcesFit
          args:
            scoringStrategy:
              type: MostAllocated
      """;

  @Test
  void eachProfileSchedulesItsOwnPodsItsOwnWay() {
    try (TestApiServer api = TestApiServer.start()) {
      KubernetesClient client = api.client();
      for (int i = 0; i < 3; i++) {
        client.nodes().resource(node("n" + i).build()).create();
      }
      try (Scheduler s =
          new Scheduler(
              api.client(),
              SchedulerOptions.defaults().withConfiguration(ConfigurationLoader.parse(CONFIG)))) {
        s.start();
        Set<String> packed = new HashSet<>();
        for (int i = 0; i < 4; i++) {
          create(client, pod("packed" + i).cpu("500m").schedulerName("bin-packing").build());
          packed.add(awaitBound(client, "packed" + i));
        }
        assertThat(packed).as("MostAllocated fills one node first").hasSize(1);
        Set<String> spread = new HashSet<>();
        for (int i = 0; i < 3; i++) {
          create(client, pod("spread" + i).cpu("500m").build());
          spread.add(awaitBound(client, "spread" + i));
        }
        assertThat(spread)
            .as("LeastAllocated spreads over the two empty nodes, away from the packed one")
            .hasSize(2)
            .doesNotContainAnyElementsOf(packed);
        create(client, pod("other").schedulerName("someone-else").build());
        await()
            .during(Duration.ofSeconds(2))
            .atMost(Duration.ofSeconds(60))
            .until(() -> nodeOf(client, "other").isEmpty());
      }
    }
  }

  private static void create(KubernetesClient client, Pod p) {
    p.getMetadata().setUid(null);
    client.pods().inNamespace("default").resource(p).create();
  }

  private static String nodeOf(KubernetesClient client, String name) {
    Pod p = client.pods().inNamespace("default").withName(name).get();
    return p == null || p.getSpec().getNodeName() == null ? "" : p.getSpec().getNodeName();
  }

  private static String awaitBound(KubernetesClient client, String name) {
    await().atMost(Duration.ofSeconds(60)).until(() -> !nodeOf(client, name).isEmpty());
    return nodeOf(client, name);
  }
}
