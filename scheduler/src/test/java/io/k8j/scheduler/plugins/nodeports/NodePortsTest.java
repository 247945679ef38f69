package io.k8j.scheduler.plugins.nodeports;

import static io.k8j.scheduler.TestObjects.node;
import static io.k8j.scheduler.TestObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.k8j.scheduler.framework.CycleState;
import io.k8j.scheduler.framework.NodeInfo;
import io.k8j.scheduler.framework.PodInfo;
import io.k8j.scheduler.framework.Status;
import org.junit.jupiter.api.Test;

class NodePortsTest {
  private final NodePorts plugin = NodePorts.create(null, null);

  @Test
  void rejectsANodeWhereTheHostPortIsTaken() {
    NodeInfo n =
        NodeInfo.of(node("n").build(), PodInfo.of(pod("a").hostPort(8080).node("n").build()));
    CycleState s = new CycleState();
    PodInfo p = PodInfo.of(pod("p").hostPort(8080).build());
    assertThat(plugin.preFilter(s, p).status().isSuccess()).isTrue();
    Status st = plugin.filter(s, p, n);
    assertThat(st.code()).isEqualTo(Status.Code.UNSCHEDULABLE);
    assertThat(st.reasons())
        .containsExactly("node(s) didn't have free ports for the requested pod ports");

    PodInfo other = PodInfo.of(pod("q").hostPort(9090).build());
    CycleState s2 = new CycleState();
    plugin.preFilter(s2, other);
    assertThat(plugin.filter(s2, other, n).isSuccess()).isTrue();
  }

  @Test
  void podsWithoutHostPortsSkip() {
    assertThat(plugin.preFilter(new CycleState(), PodInfo.of(pod("p").build())).status().isSkip())
        .isTrue();
  }
}
