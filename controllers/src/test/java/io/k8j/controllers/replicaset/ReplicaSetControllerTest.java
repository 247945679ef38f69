package io.k8j.controllers.replicaset;

import static io.k8j.controllers.Fixtures.T0;
import static io.k8j.controllers.Fixtures.ownedPod;
import static io.k8j.controllers.Fixtures.replicaSet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.ReplicationControllerBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.k8j.client.ApiErrors;
import io.k8j.client.fake.FakeInformer;
import io.k8j.client.fake.FakeInformers;
import io.k8j.client.fake.RecordingEventRecorder;
import io.k8j.client.fake.RecordingWriter;
import io.k8j.common.FakeClock;
import io.k8j.controllers.Fixtures;
import io.k8j.controllers.shared.OwnerReferences;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ReplicaSetControllerTest {
  static final Map<String, String> LABELS = Map.of("app", "web");

  final FakeClock clock = new FakeClock(T0.plus(Duration.ofHours(1)));
  final FakeInformers informers = new FakeInformers();
  final RecordingWriter writer = new RecordingWriter(informers, clock);
  final RecordingEventRecorder events = new RecordingEventRecorder();
  final FakeInformer<ReplicaSet> rsCache = informers.forType(ReplicaSet.class);
  final FakeInformer<Pod> podCache = informers.forType(Pod.class);
  final ReplicaSetController controller =
      new ReplicaSetController(
          ReplicaSetKind.REPLICA_SET, informers, writer, writer, events, clock);

  private ReplicaSet status() {
    return rsCache.get("default", "web");
  }

  private void drain() {
    try {
      while (controller.queue().length() > 0) {
        controller.queue().done(controller.queue().get());
      }
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void createsTheMissingPodsInSlowStartBatchesWithControllerReferences() {
    ReplicaSet rs = replicaSet("web", 3, LABELS);
    rsCache.add(rs);
    controller.sync("default/web");
    List<Pod> pods = podCache.list();
    assertThat(pods).hasSize(3);
    for (Pod p : pods) {
      assertThat(p.getMetadata().getName()).startsWith("web-");
      assertThat(p.getMetadata().getLabels()).isEqualTo(LABELS);
      OwnerReference ref = OwnerReferences.controllerOf(p);
      assertThat(ref.getKind()).isEqualTo("ReplicaSet");
      assertThat(ref.getApiVersion()).isEqualTo("apps/v1");
      assertThat(ref.getUid()).isEqualTo("uid-web");
      assertThat(ref.getBlockOwnerDeletion()).isTrue();
    }
    assertThat(events.reasons())
        .containsExactly("SuccessfulCreate", "SuccessfulCreate", "SuccessfulCreate");
    assertThat(status().getStatus().getReplicas()).as("status counts what the sync saw").isZero();
    assertThat(status().getStatus().getObservedGeneration()).isEqualTo(1L);
    controller.sync("default/web");
    assertThat(status().getStatus().getReplicas()).isEqualTo(3);
    assertThat(podCache.list()).hasSize(3);
  }

  @Test
  void aCacheThatHasNotSeenItsCreationsNeverLeadsToDuplicatePods() {
    writer.applyToCaches(false);
    rsCache.add(replicaSet("web", 3, LABELS));
    controller.sync("default/web");
    controller.sync("default/web");
    controller.sync("default/web");
    assertThat(writer.actions("create", "Pod")).hasSize(3);
    clock.advance(Duration.ofMinutes(6));
    controller.sync("default/web");
    assertThat(writer.actions("create", "Pod"))
        .as("after the expectations' TTL the controller acts on what it sees")
        .hasSize(6);
  }

  @Test
  void podsSeenByTheInformerSatisfyTheExpectations() {
    writer.applyToCaches(false);
    ReplicaSet rs = replicaSet("web", 2, LABELS);
    rsCache.add(rs);
    controller.sync("default/web");
    assertThat(controller.expectations().satisfied("default/web")).isFalse();
    podCache.add(ownedPod("web-a", rs, LABELS, "Pending", null, null, T0));
    podCache.add(ownedPod("web-b", rs, LABELS, "Pending", null, null, T0));
    assertThat(controller.expectations().satisfied("default/web")).isTrue();
    controller.sync("default/web");
    assertThat(writer.actions("create", "Pod")).hasSize(2);
  }

  @Test
  void slowStartStopsAtTheFirstFailingBatchAndReportsReplicaFailure() {
    writer.react(
        a ->
            a.verb().equals("create") && a.kind().equals("Pod")
                ? ApiErrors.status(403, "Forbidden", "exceeded quota")
                : null);
    rsCache.add(replicaSet("web", 10, LABELS));
    assertThatThrownBy(() -> controller.sync("default/web")).hasMessageContaining("exceeded quota");
    assertThat(writer.actions("create", "Pod")).as("one doomed call, not ten").hasSize(1);
    assertThat(events.reasons()).containsExactly("FailedCreate");
    assertThat(status().getStatus().getConditions())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getType()).isEqualTo("ReplicaFailure");
              assertThat(c.getReason()).isEqualTo("FailedCreate");
            });
    assertThat(controller.expectations().satisfied("default/web")).isTrue();
  }

  static Stream<Arguments> victims() {
    Map<String, String> l = LABELS;
    ReplicaSet rs = replicaSet("web", 1, l);
    Pod unscheduled = ownedPod("unscheduled", rs, l, "Pending", null, null, T0);
    Pod pending = ownedPod("pending", rs, l, "Pending", null, "n1", T0);
    Pod runningNotReady = ownedPod("running-not-ready", rs, l, "Running", null, "n1", T0);
    Pod readyNew =
        ownedPod("ready-new", rs, l, "Running", T0.plusSeconds(3000), "n1", T0.plusSeconds(2990));
    Pod readyOld = ownedPod("ready-old", rs, l, "Running", T0.plusSeconds(10), "n1", T0);
    return Stream.of(
        Arguments.of("unscheduled before scheduled", List.of(pending, unscheduled), "unscheduled"),
        Arguments.of("pending before running", List.of(runningNotReady, pending), "pending"),
        Arguments.of(
            "not ready before ready", List.of(readyOld, runningNotReady), "running-not-ready"),
        Arguments.of("ready for less time first", List.of(readyOld, readyNew), "ready-new"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("victims")
  void scaleDownDeletesPodsInUpstreamsOrder(String name, List<Pod> pods, String victim) {
    rsCache.add(replicaSet("web", pods.size() - 1, LABELS));
    pods.forEach(podCache::add);
    controller.sync("default/web");
    assertThat(writer.actions("delete", "Pod"))
        .singleElement()
        .extracting(a -> a.name())
        .isEqualTo(victim);
    assertThat(events.events()).containsExactly("Normal SuccessfulDelete Deleted pod: " + victim);
  }

  @Test
  void adoptsMatchingOrphansAndReleasesPodsThatNoLongerMatch() {
    ReplicaSet rs = replicaSet("web", 2, LABELS);
    rsCache.add(rs);
    podCache.add(ownedPod("orphan", null, LABELS, "Running", null, "n1", T0));
    podCache.add(ownedPod("relabelled", rs, Map.of("app", "other"), "Running", null, "n1", T0));
    podCache.add(ownedPod("mine", rs, LABELS, "Running", null, "n1", T0));
    Pod foreign =
        ownedPod("foreign", replicaSet("other", 1, LABELS), LABELS, "Running", null, "n1", T0);
    podCache.add(foreign);
    controller.sync("default/web");
    assertThat(writer.log()).contains("patch Pod default/orphan", "patch Pod default/relabelled");
    assertThat(writer.log()).doesNotContain("patch Pod default/foreign", "patch Pod default/mine");
    assertThat(OwnerReferences.controllerOf(podCache.get("default", "orphan")).getUid())
        .isEqualTo("uid-web");
    assertThat(podCache.get("default", "relabelled").getMetadata().getOwnerReferences()).isEmpty();
    assertThat(writer.actions("create", "Pod")).isEmpty();
    assertThat(status().getStatus().getReplicas()).isEqualTo(2);
  }

  @Test
  void aReplicaSetBeingDeletedAdoptsNothingAndCreatesNothing() {
    ReplicaSet rs = replicaSet("web", 2, LABELS);
    rs.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z");
    rs.getMetadata().setFinalizers(List.of("foregroundDeletion"));
    rsCache.add(rs);
    podCache.add(ownedPod("orphan", null, LABELS, "Running", null, "n1", T0));
    controller.sync("default/web");
    assertThat(writer.log()).containsExactly("update/status ReplicaSet default/web");
  }

  @Test
  void statusCountsReadyAvailableAndFullyLabeledPodsAndRequeuesForMinReadySeconds() {
    ReplicaSet rs = replicaSet("web", 3, LABELS);
    rs.getSpec().setMinReadySeconds(30);
    rs.getSpec().getTemplate().getMetadata().setLabels(Map.of("app", "web", "tier", "front"));
    rsCache.add(rs);
    Map<String, String> full = Map.of("app", "web", "tier", "front");
    podCache.add(ownedPod("a", rs, full, "Running", clock.now().minusSeconds(60), "n1", T0));
    podCache.add(ownedPod("b", rs, full, "Running", clock.now().minusSeconds(5), "n1", T0));
    podCache.add(ownedPod("c", rs, LABELS, "Running", clock.now().minusSeconds(5), "n1", T0));
    controller.sync("default/web");
    var st = status().getStatus();
    assertThat(st.getReplicas()).isEqualTo(3);
    assertThat(st.getFullyLabeledReplicas()).isEqualTo(2);
    assertThat(st.getReadyReplicas()).isEqualTo(3);
    assertThat(st.getAvailableReplicas()).isEqualTo(1);
    drain();
    clock.advance(Duration.ofSeconds(30));
    assertThat(controller.queue().length()).as("requeued after minReadySeconds").isEqualTo(1);
    controller.sync("default/web");
    assertThat(status().getStatus().getAvailableReplicas()).isEqualTo(3);
  }

  @Test
  void replicationControllersAreRunByTheSameController() {
    ReplicaSetController rcController =
        new ReplicaSetController(
            ReplicaSetKind.REPLICATION_CONTROLLER, informers, writer, writer, events, clock);
    ReplicationController rc =
        new ReplicationControllerBuilder()
            .withNewMetadata()
            .withNamespace("default")
            .withName("legacy")
            .withUid("uid-legacy")
            .withGeneration(2L)
            .endMetadata()
            .withNewSpec()
            .withReplicas(2)
            .withSelector(Map.of("app", "legacy"))
            .withTemplate(Fixtures.template(Map.of("app", "legacy"), "app:v1"))
            .endSpec()
            .build();
    informers.forType(ReplicationController.class).add(rc);
    rcController.sync("default/legacy");
    assertThat(podCache.list()).hasSize(2);
    assertThat(OwnerReferences.controllerOf(podCache.list().get(0)).getKind())
        .isEqualTo("ReplicationController");
    rcController.sync("default/legacy");
    ReplicationController updated =
        informers.forType(ReplicationController.class).get("default", "legacy");
    assertThat(updated.getStatus().getReplicas()).isEqualTo(2);
    assertThat(updated.getStatus().getObservedGeneration()).isEqualTo(2L);
  }
}
