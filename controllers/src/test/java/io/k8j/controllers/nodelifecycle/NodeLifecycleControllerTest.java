package io.k8j.controllers.nodelifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.k8j.client.DeepCopy;
import io.k8j.client.fake.FakeInformer;
import io.k8j.client.fake.FakeInformers;
import io.k8j.client.fake.RecordingEventRecorder;
import io.k8j.client.fake.RecordingWriter;
import io.k8j.common.FakeClock;
import io.k8j.controllers.Fixtures;
import io.k8j.controllers.shared.PodStatuses;
import io.k8j.controllers.shared.Taints;
import io.k8j.controllers.shared.Times;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeLifecycleControllerTest {
  final FakeClock clock = new FakeClock(Fixtures.T0);
  final FakeInformers informers = new FakeInformers();
  final RecordingWriter writer = new RecordingWriter(informers, clock);
  final RecordingEventRecorder events = new RecordingEventRecorder();
  final FakeInformer<Node> nodeCache = informers.forType(Node.class);
  final FakeInformer<Lease> leaseCache = informers.forType(Lease.class);
  final FakeInformer<Pod> podCache = informers.forType(Pod.class);
  final NodeLifecycleController controller =
      new NodeLifecycleController(
          informers,
          writer,
          writer,
          events,
          clock,
          new NodeLifecycleController.Settings(
              Duration.ofSeconds(5),
              Duration.ofSeconds(50),
              Duration.ofSeconds(60),
              0.1,
              0.01,
              50,
              0.55));

  /** A node that reported Ready with a heartbeat now. */
  Node node(String name, String ready) {
    String now = Times.format(clock.now());
    Node n =
        new NodeBuilder()
            .withNewMetadata()
            .withName(name)
            .withUid("uid-" + name)
            .withResourceVersion("1")
            .withCreationTimestamp(Times.format(Fixtures.T0))
            .endMetadata()
            .withNewSpec()
            .endSpec()
            .withNewStatus()
            .addNewCondition()
            .withType("Ready")
            .withStatus(ready)
            .withReason("KubeletReady")
            .withLastHeartbeatTime(now)
            .withLastTransitionTime(Times.format(Fixtures.T0))
            .endCondition()
            .addNewCondition()
            .withType("MemoryPressure")
            .withStatus("False")
            .withLastHeartbeatTime(now)
            .withLastTransitionTime(Times.format(Fixtures.T0))
            .endCondition()
            .endStatus()
            .build();
    nodeCache.add(n);
    return n;
  }

  void heartbeat(String name) {
    Node n = DeepCopy.of(nodeCache.get(null, name));
    n.getStatus().getConditions().forEach(c -> c.setLastHeartbeatTime(Times.format(clock.now())));
    n.getMetadata().setResourceVersion(n.getMetadata().getResourceVersion() + "1");
    nodeCache.update(n);
  }

  void renewLease(String name) {
    leaseCache.update(
        new LeaseBuilder()
            .withNewMetadata()
            .withNamespace("kube-node-lease")
            .withName(name)
            .endMetadata()
            .withNewSpec()
            .withHolderIdentity(name)
            .withLeaseDurationSeconds(40)
            .withRenewTime(clock.now().atZone(ZoneOffset.UTC))
            .endSpec()
            .build());
  }

  NodeCondition ready(String name) {
    return NodeLifecycleController.condition(nodeCache.get(null, name), "Ready");
  }

  List<Taint> taints(String name) {
    return Taints.of(nodeCache.get(null, name));
  }

  void advance(int seconds) {
    for (int i = 0; i < seconds; i += 5) {
      clock.advance(Duration.ofSeconds(5));
      controller.monitorNodeHealth();
      controller.doNoExecuteTaintingPass();
    }
  }

  @Test
  void aNodeSilentForTheGracePeriodBecomesUnknownAndItsPodsNotReady() {
    node("n1", "True");
    node("healthy", "True");
    podCache.add(Fixtures.ownedPod("p", null, Map.of(), "Running", Fixtures.T0, "n1", Fixtures.T0));
    controller.monitorNodeHealth();
    for (int i = 0; i < 9; i++) {
      clock.advance(Duration.ofSeconds(5));
      heartbeat("healthy");
      controller.monitorNodeHealth();
    }
    assertThat(ready("n1").getStatus()).as("45 s without a heartbeat").isEqualTo("True");
    clock.advance(Duration.ofSeconds(6));
    heartbeat("healthy");
    controller.monitorNodeHealth();
    NodeCondition r = ready("n1");
    assertThat(r.getStatus()).isEqualTo("Unknown");
    assertThat(r.getReason()).isEqualTo("NodeStatusUnknown");
    assertThat(r.getMessage()).isEqualTo("Kubelet stopped posting node status.");
    assertThat(
            NodeLifecycleController.condition(nodeCache.get(null, "n1"), "MemoryPressure")
                .getStatus())
        .isEqualTo("Unknown");
    assertThat(ready("healthy").getStatus()).isEqualTo("True");
    assertThat(PodStatuses.isReady(podCache.get("default", "p"))).isFalse();
    assertThat(events.events())
        .contains(
            "Normal NodeNotReady Node n1 status is now: NodeNotReady",
            "Warning NodeNotReady Node is not ready");
  }

  @Test
  void aRenewedLeaseKeepsANodeHealthyWithoutStatusUpdates() {
    node("n1", "True");
    node("n2", "True");
    controller.monitorNodeHealth();
    for (int i = 0; i < 40; i++) {
      clock.advance(Duration.ofSeconds(5));
      renewLease("n1");
      renewLease("n2");
      controller.monitorNodeHealth();
    }
    assertThat(ready("n1").getStatus()).isEqualTo("True");
  }

  @Test
  void unreachableNodesAreTaintedNoExecuteAtTheZonesEvictionRate() {
    for (String n : List.of("a", "b", "c", "d", "e")) {
      node(n, "True");
    }
    controller.monitorNodeHealth();
    for (int i = 0; i < 12; i++) {
      clock.advance(Duration.ofSeconds(5));
      for (String n : List.of("c", "d", "e")) {
        heartbeat(n);
      }
      controller.monitorNodeHealth();
      controller.doNoExecuteTaintingPass();
    }
    long tainted =
        List.of("a", "b").stream()
            .filter(n -> Taints.exists(taints(n), Taints.taint(Taints.UNREACHABLE, "NoExecute")))
            .count();
    assertThat(tainted).as("burst of one").isEqualTo(1);
    for (int i = 0; i < 2; i++) {
      clock.advance(Duration.ofSeconds(5));
      for (String n : List.of("c", "d", "e")) {
        heartbeat(n);
      }
      controller.monitorNodeHealth();
      controller.doNoExecuteTaintingPass();
    }
    assertThat(taints("a"))
        .anySatisfy(
            t -> {
              assertThat(t.getKey()).isEqualTo("node.kubernetes.io/unreachable");
              assertThat(t.getEffect()).isEqualTo("NoExecute");
              assertThat(t.getTimeAdded()).isNotNull();
            });
    assertThat(taints("b"))
        .anySatisfy(t -> assertThat(t.getKey()).isEqualTo("node.kubernetes.io/unreachable"));
    assertThat(taints("c")).isEmpty();
  }

  @Test
  void whenEveryNodeIsDownNoNodeIsTainted() {
    node("a", "True");
    node("b", "True");
    advance(120);
    assertThat(ready("a").getStatus()).isEqualTo("Unknown");
    assertThat(taints("a")).noneMatch(t -> "NoExecute".equals(t.getEffect()));
    assertThat(taints("b")).noneMatch(t -> "NoExecute".equals(t.getEffect()));
  }

  @Test
  void aNodeThatComesBackLosesItsNoExecuteTaint() {
    node("a", "True");
    node("b", "True");
    node("c", "True");
    controller.monitorNodeHealth();
    for (int i = 0; i < 12; i++) {
      clock.advance(Duration.ofSeconds(5));
      heartbeat("b");
      heartbeat("c");
      controller.monitorNodeHealth();
      controller.doNoExecuteTaintingPass();
    }
    assertThat(taints("a")).anySatisfy(t -> assertThat(t.getKey()).isEqualTo(Taints.UNREACHABLE));
    Node back = DeepCopy.of(nodeCache.get(null, "a"));
    NodeLifecycleController.condition(back, "Ready").setStatus("True");
    NodeLifecycleController.condition(back, "Ready")
        .setLastHeartbeatTime(Times.format(clock.now()));
    NodeLifecycleController.condition(back, "Ready")
        .setLastTransitionTime(Times.format(clock.now()));
    nodeCache.update(back);
    controller.monitorNodeHealth();
    assertThat(taints("a")).noneMatch(t -> "NoExecute".equals(t.getEffect()));
  }

  @Test
  void conditionsAreMirroredAsNoScheduleTaints() {
    node("n1", "False");
    Node n = DeepCopy.of(nodeCache.get(null, "n1"));
    n.getSpec().setUnschedulable(true);
    nodeCache.update(n);
    controller.syncNoScheduleTaints("n1");
    assertThat(taints("n1"))
        .extracting(Taint::getKey, Taint::getEffect)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(Taints.NOT_READY, "NoSchedule"),
            org.assertj.core.groups.Tuple.tuple(Taints.UNSCHEDULABLE, "NoSchedule"));
    Node ok = DeepCopy.of(nodeCache.get(null, "n1"));
    NodeLifecycleController.condition(ok, "Ready").setStatus("True");
    ok.getSpec().setUnschedulable(false);
    nodeCache.update(ok);
    controller.syncNoScheduleTaints("n1");
    assertThat(taints("n1")).isEmpty();
  }
}
