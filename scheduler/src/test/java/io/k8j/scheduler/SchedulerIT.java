package io.k8j.scheduler;

import static io.k8j.scheduler.TestObjects.node;
import static io.k8j.scheduler.TestObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.k8j.testing.cluster.TestApiServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The scheduler against a real API server, with nodes as objects only (no kubelet). */
class SchedulerIT {
  private static TestApiServer api;
  private KubernetesClient client;
  private Scheduler scheduler;

  @BeforeAll
  static void startApiServer() {
    api = TestApiServer.start();
  }

  @AfterAll
  static void stopApiServer() {
    api.close();
  }

  @BeforeEach
  void startScheduler() {
    client = api.client();
    client.pods().inAnyNamespace().delete();
    client.nodes().delete();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> client.pods().inAnyNamespace().list().getItems().isEmpty());
    scheduler = new Scheduler(client, SchedulerOptions.defaults().withLeaderElect(false));
    scheduler.start();
  }

  @AfterEach
  void stopScheduler() {
    scheduler.close();
  }

  private void create(Node n) {
    client.nodes().resource(n).create();
  }

  private Pod create(Pod p) {
    p.getMetadata().setUid(null);
    return client.pods().inNamespace(p.getMetadata().getNamespace()).resource(p).create();
  }

  private String nodeOf(String name) {
    Pod p = client.pods().inNamespace("default").withName(name).get();
    return p == null || p.getSpec().getNodeName() == null ? "" : p.getSpec().getNodeName();
  }

  private String awaitBound(String name) {
    await().atMost(Duration.ofSeconds(30)).until(() -> !nodeOf(name).isEmpty());
    return nodeOf(name);
  }

  @Test
  void bindsPodsAndRecordsScheduledEvents() {
    create(node("n1").build());
    create(node("n2").build());
    for (int i = 0; i < 6; i++) {
      create(pod("p" + i).cpu("100m").build());
    }
    for (int i = 0; i < 6; i++) {
      assertThat(awaitBound("p" + i)).isIn("n1", "n2");
    }
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(eventsOf("p0"))
                    .anyMatch(
                        e ->
                            e.getReason().equals("Scheduled")
                                && e.getMessage()
                                    .matches("Successfully assigned default/p0 to n[12]")));
    Pod p0 = client.pods().inNamespace("default").withName("p0").get();
    assertThat(p0.getStatus().getConditions())
        .anyMatch(c -> c.getType().equals("PodScheduled") && c.getStatus().equals("True"));
  }

  private List<Event> eventsOf(String pod) {
    return client.v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> pod.equals(e.getInvolvedObject().getName()))
        .toList();
  }
}
