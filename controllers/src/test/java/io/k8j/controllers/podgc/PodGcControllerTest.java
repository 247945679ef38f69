package io.k8j.controllers.podgc;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.k8j.client.fake.FakeInformers;
import io.k8j.client.fake.RecordingWriter;
import io.k8j.common.FakeClock;
import io.k8j.controllers.Fixtures;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodGcControllerTest {
  final FakeClock clock = new FakeClock(Fixtures.T0.plusSeconds(3600));
  final FakeInformers informers = new FakeInformers();
  final RecordingWriter writer = new RecordingWriter(informers, clock);
  final PodGcController gc =
      new PodGcController(informers, writer, writer, clock, 2, Duration.ofSeconds(20));

  Pod pod(String name, String phase, String node, int ageSeconds) {
    Pod p =
        Fixtures.ownedPod(
            name, null, Map.of(), phase, null, node, Fixtures.T0.plusSeconds(3600 - ageSeconds));
    informers.forType(Pod.class).add(p);
    return p;
  }

  @Test
  void terminatedPodsBeyondTheThresholdAreDeletedOldestFirst() {
    informers
        .forType(Node.class)
        .add(new NodeBuilder().withNewMetadata().withName("n1").endMetadata().build());
    pod("old", "Succeeded", "n1", 300);
    pod("older", "Failed", "n1", 400);
    pod("new", "Succeeded", "n1", 10);
    pod("running", "Running", "n1", 1000);
    gc.gc();
    assertThat(writer.log()).containsExactly("delete Pod default/older");
    assertThat(writer.actions("delete", "Pod").get(0).deletion().gracePeriodSeconds()).isZero();
  }

  @Test
  void podsOfANodeGoneForTheQuarantineTimeAreFailedAndDeleted() {
    pod("orphan", "Running", "gone", 10);
    gc.gc();
    assertThat(writer.log()).isEmpty();
    clock.advance(Duration.ofSeconds(39));
    gc.gc();
    assertThat(writer.log()).isEmpty();
    clock.advance(Duration.ofSeconds(1));
    gc.gc();
    assertThat(writer.log())
        .containsExactly("update/status Pod default/orphan", "delete Pod default/orphan");
    Pod failed = (Pod) writer.actions("update", "Pod").get(0).object();
    assertThat(failed.getStatus().getPhase()).isEqualTo("Failed");
    assertThat(failed.getStatus().getConditions())
        .anySatisfy(c -> assertThat(c.getReason()).isEqualTo("DeletionByPodGC"));
  }

  @Test
  void terminatingPodsThatWereNeverScheduledAreDeleted() {
    Pod p = pod("unscheduled", "Pending", null, 10);
    p.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z");
    informers.forType(Pod.class).update(p);
    gc.gc();
    assertThat(writer.log()).contains("delete Pod default/unscheduled");
  }
}
