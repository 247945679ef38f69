package io.k8j.scheduler.plugins.simple;

import static io.k8j.scheduler.TestObjects.node;
import static io.k8j.scheduler.TestObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSchedulingGate;
import io.k8j.scheduler.framework.CycleState;
import io.k8j.scheduler.framework.NodeInfo;
import io.k8j.scheduler.framework.PodInfo;
import io.k8j.scheduler.framework.QueuedPodInfo;
import io.k8j.scheduler.framework.Status;
import io.k8j.scheduler.plugins.nodename.NodeName;
import io.k8j.scheduler.plugins.nodeunschedulable.NodeUnschedulable;
import io.k8j.scheduler.plugins.prioritysort.PrioritySort;
import io.k8j.scheduler.plugins.schedulinggates.SchedulingGates;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimplePluginsTest {
  @Test
  void nodeUnschedulableRejectsCordonedNodesUnlessTolerated() {
    NodeUnschedulable p = NodeUnschedulable.create(null, null);
    NodeInfo cordoned = NodeInfo.of(node("n").unschedulable().build());
    Status s = p.filter(new CycleState(), PodInfo.of(pod("a").build()), cordoned);
    assertThat(s.code()).isEqualTo(Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE);
    assertThat(s.reasons()).containsExactly("node(s) were unschedulable");
    Pod tolerating = pod("b").build();
    tolerating
        .getSpec()
        .setTolerations(
            List.of(
                new io.fabric8.kubernetes.api.model.TolerationBuilder()
                    .withKey("node.kubernetes.io/unschedulable")
                    .withOperator("Exists")
                    .withEffect("NoSchedule")
                    .build()));
    assertThat(p.filter(new CycleState(), PodInfo.of(tolerating), cordoned).isSuccess()).isTrue();
    assertThat(
            p.filter(new CycleState(), PodInfo.of(pod("c").build()), NodeInfo.of(node("m").build()))
                .isSuccess())
        .isTrue();
  }

  @Test
  void nodeNameKeepsPodsToTheirNamedNode() {
    NodeName p = NodeName.create(null, null);
    PodInfo named = PodInfo.of(pod("a").node("n1").build());
    assertThat(p.filter(new CycleState(), named, NodeInfo.of(node("n1").build())).isSuccess())
        .isTrue();
    Status s = p.filter(new CycleState(), named, NodeInfo.of(node("n2").build()));
    assertThat(s.reasons()).containsExactly("node(s) didn't match the requested node name");
  }

  @Test
  void prioritySortOrdersByPriorityThenTime() {
    PrioritySort p = new PrioritySort();
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    QueuedPodInfo high =
        new QueuedPodInfo(PodInfo.of(pod("h").priority(10).build()), t.plusSeconds(5), 0);
    QueuedPodInfo lowEarly = new QueuedPodInfo(PodInfo.of(pod("l").priority(1).build()), t, 0);
    QueuedPodInfo lowLate =
        new QueuedPodInfo(PodInfo.of(pod("m").priority(1).build()), t.plusSeconds(1), 0);
    assertThat(p.less(high, lowEarly)).isTrue();
    assertThat(p.less(lowEarly, high)).isFalse();
    assertThat(p.less(lowEarly, lowLate)).isTrue();
  }

  @Test
  void schedulingGatesKeepGatedPodsOut() {
    SchedulingGates p = SchedulingGates.create(null, null);
    Pod gated = pod("g").build();
    gated
        .getSpec()
        .setSchedulingGates(List.of(new PodSchedulingGate("a"), new PodSchedulingGate("b")));
    Status s = p.preEnqueue(PodInfo.of(gated));
    assertThat(s.code()).isEqualTo(Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE);
    assertThat(s.message()).isEqualTo("waiting for scheduling gates: [a b]");
    assertThat(p.preEnqueue(PodInfo.of(pod("o").build())).isSuccess()).isTrue();
  }
}
