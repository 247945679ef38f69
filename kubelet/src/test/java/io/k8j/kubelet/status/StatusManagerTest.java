package io.k8j.kubelet.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.k8j.common.Clock;
import io.k8j.kubelet.pod.PodManager;
import io.k8j.testing.cluster.TestApiServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StatusManagerTest {
  private static String phaseOf(KubernetesClient client, String name) {
    return client.pods().inNamespace("default").list().getItems().stream()
        .filter(p -> p.getMetadata().getName().equals(name))
        .map(p -> p.getStatus() == null ? null : p.getStatus().getPhase())
        .findFirst()
        .orElse(null);
  }

  /** A kubelet writes each pod's status a few times: each write is one patch, no read first. */
  @Test
  void aStatusIsWrittenWithOnePatchAndNoReadOfThePodFirst() {
    try (TestApiServer api = TestApiServer.start()) {
      KubernetesClient client = api.client();
      Pod pod =
          client
              .pods()
              .inNamespace("default")
              .resource(
                  new PodBuilder()
                      .withNewMetadata()
                      .withName("status-one")
                      .endMetadata()
                      .withNewSpec()
                      .withNodeName("node-a")
                      .addNewContainer()
                      .withName("app")
                      .withImage("busybox")
                      .endContainer()
                      .endSpec()
                      .build())
              .create();
      PodManager pods = new PodManager();
      pods.put(pod);
      StatusManager statuses = new StatusManager(client, pods, new PodStartupTracker(Clock.SYSTEM));
      long reads = api.requests("pods", "get");
      long patches = api.requests("pods", "patch");
      PodStatus running = new PodStatusBuilder().withPhase("Running").withPodIP("10.1.0.5").build();
      statuses.set(pod, running);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> "Running".equals(phaseOf(client, "status-one")));
      assertThat(api.requests("pods", "patch") - patches).isEqualTo(1);
      assertThat(api.requests("pods", "get") - reads).isZero();

      statuses.close();
    }
  }
}
