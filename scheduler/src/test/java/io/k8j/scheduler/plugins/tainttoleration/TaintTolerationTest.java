package io.k8j.scheduler.plugins.tainttoleration;

import static io.k8j.scheduler.TestObjects.node;
import static io.k8j.scheduler.TestObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.k8j.scheduler.framework.CycleState;
import io.k8j.scheduler.framework.NodeInfo;
import io.k8j.scheduler.framework.NodeScores;
import io.k8j.scheduler.framework.PodInfo;
import io.k8j.scheduler.framework.Status;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TaintTolerationTest {
  private final TaintToleration plugin = TaintToleration.create(null, null);

  static Stream<Arguments> filterCases() {
    return Stream.of(
        Arguments.of("no taints", node("n").build(), pod("p").build(), null),
        Arguments.of(
            "untolerated NoSchedule",
            node("n").taint("dedicated", "gpu", "NoSchedule").build(),
            pod("p").build(),
            "node(s) had untolerated taint {dedicated: gpu}"),
        Arguments.of(
            "tolerated",
            node("n").taint("dedicated", "gpu", "NoSchedule").build(),
            pod("p").tolerate("dedicated", "gpu", "NoSchedule").build(),
            null),
        Arguments.of(
            "wrong value",
            node("n").taint("dedicated", "gpu", "NoSchedule").build(),
            pod("p").tolerate("dedicated", "cpu", "NoSchedule").build(),
            "node(s) had untolerated taint {dedicated: gpu}"),
        Arguments.of(
            "untolerated NoExecute",
            node("n").taint("k", "v", "NoExecute").build(),
            pod("p").build(),
            "node(s) had untolerated taint {k: v}"),
        Arguments.of(
            "PreferNoSchedule does not filter",
            node("n").taint("k", "v", "PreferNoSchedule").build(),
            pod("p").build(),
            null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("filterCases")
  void filter(String name, Node node, Pod pod, String reason) {
    Status s = plugin.filter(new CycleState(), PodInfo.of(pod), NodeInfo.of(node));
    if (reason == null) {
      assertThat(s.isSuccess()).isTrue();
    } else {
      assertThat(s.code()).isEqualTo(Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE);
      assertThat(s.reasons()).containsExactly(reason);
    }
  }

  @Test
  void fewerUntoleratedPreferNoScheduleTaintsScoreHigher() {
    List<NodeInfo> nodes =
        List.of(
            NodeInfo.of(node("clean").build()),
            NodeInfo.of(node("one").taint("a", "1", "PreferNoSchedule").build()),
            NodeInfo.of(
                node("two")
                    .taint("a", "1", "PreferNoSchedule")
                    .taint("b", "2", "PreferNoSchedule")
                    .build()),
            NodeInfo.of(node("tolerated").taint("c", "3", "PreferNoSchedule").build()));
    PodInfo pod = PodInfo.of(pod("p").tolerate("c", "3", "PreferNoSchedule").build());
    CycleState s = new CycleState();
    plugin.preScore(s, pod, nodes);
    long[] raw = new long[nodes.size()];
    for (int i = 0; i < nodes.size(); i++) {
      raw[i] = plugin.score(s, pod, nodes.get(i));
    }
    assertThat(raw).containsExactly(0, 1, 2, 0);
    plugin.normalize(s, pod, new NodeScores(nodes, raw));
    assertThat(raw).containsExactly(100, 50, 0, 100);
  }
}
