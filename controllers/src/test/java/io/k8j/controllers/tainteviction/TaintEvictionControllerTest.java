package io.k8j.controllers.tainteviction;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.k8j.client.DeepCopy;
import io.k8j.client.fake.FakeInformer;
import io.k8j.client.fake.FakeInformers;
import io.k8j.client.fake.RecordingEventRecorder;
import io.k8j.client.fake.RecordingWriter;
import io.k8j.common.FakeClock;
import io.k8j.controllers.Fixtures;
import io.k8j.controllers.shared.PodStatuses;
import io.k8j.controllers.shared.Taints;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaintEvictionControllerTest {
  final FakeClock clock = new FakeClock(Fixtures.T0);
  final FakeInformers informers = new FakeInformers();
  final RecordingWriter writer = new RecordingWriter(informers, clock);
  final RecordingEventRecorder events = new RecordingEventRecorder();
  final FakeInformer<Node> nodeCache = informers.forType(Node.class);
  final FakeInformer<Pod> podCache = informers.forType(Pod.class);
  final TaintEvictionController controller =
      new TaintEvictionController(informers, writer, events, clock);

  void node(String name, boolean unreachable) {
    Node n =
        new NodeBuilder()
            .withNewMetadata()
            .withName(name)
            .withResourceVersion("1")
            .endMetadata()
            .withNewSpec()
            .endSpec()
            .build();
    if (unreachable) {
      n.getSpec().setTaints(List.of(Taints.taint(Taints.UNREACHABLE, "NoExecute")));
    }
    nodeCache.update(n);
  }

  void pod(String name, Toleration... tolerations) {
    Pod p = Fixtures.ownedPod(name, null, Map.of(), "Running", Fixtures.T0, "n1", Fixtures.T0);
    p.getSpec().setTolerations(List.of(tolerations));
    podCache.add(p);
  }

  static Toleration tolerate(Long seconds) {
    return new TolerationBuilder()
        .withKey(Taints.UNREACHABLE)
        .withOperator("Exists")
        .withEffect("NoExecute")
        .withTolerationSeconds(seconds)
        .build();
  }

  void syncAll() {
    try {
      while (controller.updates().length() > 0) {
        String k = controller.updates().get();
        controller.sync(k);
        controller.updates().done(k);
      }
      while (controller.evictions().length() > 0) {
        String k = controller.evictions().get();
        controller.evict(k);
        controller.evictions().done(k);
      }
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  boolean evicted(String name) {
    return writer.log().contains("delete Pod default/" + name);
  }

  @Test
  void podsThatDoNotTolerateTheTaintAreEvictedAtOnce() {
    node("n1", false);
    pod("plain");
    syncAll();
    assertThat(evicted("plain")).isFalse();
    node("n1", true);
    syncAll();
    assertThat(evicted("plain")).isTrue();
    Pod p = (Pod) writer.actions("update", "Pod").getLast().object();
    assertThat(PodStatuses.condition(p, "DisruptionTarget").getReason())
        .isEqualTo("DeletionByTaintManager");
    assertThat(podCache.get("default", "plain")).isNull();
    assertThat(events.events())
        .contains("Normal TaintManagerEviction Marking for deletion Pod default/plain");
  }

  @Test
  void podsAreEvictedWhenTheirTolerationSecondsRunOut() {
    node("n1", false);
    pod("short", tolerate(30L));
    pod("long", tolerate(300L));
    pod("forever", tolerate(null));
    node("n1", true);
    syncAll();
    assertThat(controller.scheduledEviction("default/short").fireAt())
        .isEqualTo(clock.now().plusSeconds(30));
    clock.advance(Duration.ofSeconds(29));
    syncAll();
    assertThat(evicted("short")).isFalse();
    clock.advance(Duration.ofSeconds(1));
    syncAll();
    assertThat(evicted("short")).isTrue();
    assertThat(evicted("long")).isFalse();
    clock.advance(Duration.ofSeconds(300));
    syncAll();
    assertThat(evicted("long")).isTrue();
    assertThat(evicted("forever")).isFalse();
  }

  @Test
  void aTaintRemovedInTimeCancelsTheEviction() {
    node("n1", false);
    pod("short", tolerate(30L));
    node("n1", true);
    syncAll();
    clock.advance(Duration.ofSeconds(10));
    Node healed = DeepCopy.of(nodeCache.get(null, "n1"));
    healed.getSpec().setTaints(List.of());
    nodeCache.update(healed);
    syncAll();
    clock.advance(Duration.ofSeconds(60));
    syncAll();
    assertThat(evicted("short")).isFalse();
    assertThat(events.events())
        .contains("Normal TaintManagerEviction Cancelling deletion of Pod default/short");
  }
}
