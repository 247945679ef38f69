package io.k8j.kubelet.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.k8j.common.Clock;
import io.k8j.testing.cluster.TestApiServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApiEventRecorderTest {
  /** Events are written a few per pod started: a new one is one create, a repeat one patch. */
  @Test
  void aRepeatedEventCountsUpWithOnePatchAndNoReadFirst() {
    try (TestApiServer api = TestApiServer.start();
        ApiEventRecorder events = new ApiEventRecorder(api.client(), "node-e", Clock.SYSTEM)) {
      KubernetesClient client = api.client();
      Pod pod =
          new PodBuilder()
              .withNewMetadata()
              .withName("evented")
              .withNamespace("default")
              .withUid("uid-evented")
              .endMetadata()
              .build();
      pod.setKind("Pod");
      long reads = api.requests("events", "get");
      events.event(pod, "spec.containers{app}", "Normal", "Pulled", "Image is present");
      events.event(pod, "spec.containers{app}", "Normal", "Pulled", "Image is present");
      events.event(pod, "spec.containers{app}", "Normal", "Started", "Started container app");
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  client.v1().events().inNamespace("default").list().getItems().stream()
                          .mapToInt(e -> e.getCount() == null ? 0 : e.getCount())
                          .sum()
                      == 3);
      List<Event> written = client.v1().events().inNamespace("default").list().getItems();
      assertThat(written)
          .extracting(e -> e.getReason() + " x" + e.getCount())
          .containsExactlyInAnyOrder("Pulled x2", "Started x1");
      assertThat(written)
          .allSatisfy(
              e -> {
                assertThat(e.getInvolvedObject().getName()).isEqualTo("evented");
                assertThat(e.getInvolvedObject().getFieldPath()).isEqualTo("spec.containers{app}");
                assertThat(e.getSource().getHost()).isEqualTo("node-e");
              });
      assertThat(api.requests("events", "create")).isEqualTo(2);
      assertThat(api.requests("events", "patch")).isEqualTo(1);
      assertThat(api.requests("events", "get") - reads).isZero();
    }
  }
}
