package io.k8j.controllers.nodeipam;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.k8j.client.fake.FakeInformers;
import io.k8j.client.fake.RecordingEventRecorder;
import io.k8j.client.fake.RecordingWriter;
import io.k8j.common.FakeClock;
import io.k8j.controllers.Fixtures;
import org.junit.jupiter.api.Test;

class NodeIpamControllerTest {
  final FakeClock clock = new FakeClock(Fixtures.T0);
  final FakeInformers informers = new FakeInformers();
  final RecordingWriter writer = new RecordingWriter(informers, clock);
  final RecordingEventRecorder events = new RecordingEventRecorder();
  final NodeIpamController controller =
      new NodeIpamController(informers, writer, events, clock, "10.42.0.0/23", 24);

  Node node(String name, String podCidr) {
    Node n =
        new NodeBuilder()
            .withNewMetadata()
            .withName(name)
            .endMetadata()
            .withNewSpec()
            .withPodCIDR(podCidr)
            .endSpec()
            .build();
    informers.forType(Node.class).add(n);
    return n;
  }

  String podCidr(String name) {
    Node n = informers.forType(Node.class).lister().get(name);
    return n.getSpec().getPodCIDR();
  }

  @Test
  void aNewNodeGetsAFreeRangeAndRangesNodesHaveAreNotHandedOutAgain() {
    node("server", "10.42.0.0/24");
    node("agent-1", null);
    controller.sync("agent-1");
    assertThat(podCidr("agent-1")).isEqualTo("10.42.1.0/24");
    assertThat(informers.forType(Node.class).lister().get("agent-1").getSpec().getPodCIDRs())
        .containsExactly("10.42.1.0/24");

    node("agent-2", null);
    controller.sync("agent-2");
    assertThat(podCidr("agent-2")).as("the cluster CIDR is full").isNull();
    assertThat(events.reasons()).containsExactly("CIDRNotAvailable");
  }

  @Test
  void aDeletedNodesRangeIsFreedForTheNext() {
    Node a = node("a", null);
    node("b", null);
    controller.sync("a");
    controller.sync("b");
    assertThat(podCidr("a")).isEqualTo("10.42.0.0/24");
    assertThat(podCidr("b")).isEqualTo("10.42.1.0/24");
    informers.forType(Node.class).delete(a);
    controller.sync("a");
    node("c", null);
    controller.sync("c");
    assertThat(podCidr("c")).isEqualTo("10.42.0.0/24");
  }

  @Test
  void aNodeThatHasARangeIsLeftAlone() {
    node("a", "10.42.1.0/24");
    controller.sync("a");
    assertThat(writer.log()).isEmpty();
  }
}
