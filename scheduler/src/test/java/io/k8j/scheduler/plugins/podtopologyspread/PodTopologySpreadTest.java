package io.k8j.scheduler.plugins.podtopologyspread;

import static io.k8j.scheduler.TestObjects.node;
import static io.k8j.scheduler.TestObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.k8j.scheduler.FakeClusterObjects;
import io.k8j.scheduler.TestHandle;
import io.k8j.scheduler.cache.Snapshot;
import io.k8j.scheduler.framework.CycleState;
import io.k8j.scheduler.framework.NodeInfo;
import io.k8j.scheduler.framework.NodeScores;
import io.k8j.scheduler.framework.PodInfo;
import io.k8j.scheduler.framework.Selector;
import io.k8j.scheduler.framework.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodTopologySpreadTest {
  private static final String ZONE = "topology.kubernetes.io/zone";
  private static final String HOST = "kubernetes.io/hostname";

  private static final List<Node> NODES =
      List.of(
          node("a1").zone("a").build(),
          node("a2").zone("a").build(),
          node("b1").zone("b").build(),
          node("c1").zone("c").build());

  private static List<Pod> blue(String... nodes) {
    List<Pod> pods = new ArrayList<>();
    for (int i = 0; i < nodes.length; i++) {
      pods.add(pod("blue" + i).label("color", "blue").node(nodes[i]).build());
    }
    return pods;
  }

  private static PodTopologySpread plugin(TestHandle h) throws Exception {
    return PodTopologySpread.create(new ObjectMapper().readTree("{}"), h);
  }

  private static Status filter(List<Pod> existing, Pod pod, String nodeName) throws Exception {
    TestHandle h = TestHandle.of(NODES, existing);
    PodTopologySpread plugin = plugin(h);
    CycleState s = new CycleState();
    PodInfo p = PodInfo.of(pod);
    if (plugin.preFilter(s, p).status().isSkip()) {
      return Status.SUCCESS;
    }
    return plugin.filter(s, p, h.snapshot().get(nodeName));
  }

  private static Pod spreading(int maxSkew, String key) {
    return pod("new")
        .label("color", "blue")
        .spread(maxSkew, key, "DoNotSchedule", "color", "blue")
        .build();
  }

  @Test
  void keepsTheSkewWithinMaxSkew() throws Exception {
    List<Pod> existing = blue("a1", "a2", "b1");
    // zones: a=2, b=1, c=0 (min 0). a: 2+1-0=3 > 1; b: 1+1-0 = 2 > 1; c: 0+1 = 1 ok.
    assertThat(filter(existing, spreading(1, ZONE), "a1").reasons())
        .containsExactly("node(s) didn't match pod topology spread constraints");
    assertThat(filter(existing, spreading(1, ZONE), "b1").isSuccess()).isFalse();
    assertThat(filter(existing, spreading(1, ZONE), "c1").isSuccess()).isTrue();
    assertThat(filter(existing, spreading(2, ZONE), "b1").isSuccess()).isTrue();
  }

  @Test
  void nodesWithoutTheKeyAreUnresolvable() throws Exception {
    List<Node> nodes = new ArrayList<>(NODES);
    nodes.add(node("nozone").build());
    TestHandle h = TestHandle.of(nodes, List.of());
    PodTopologySpread plugin = plugin(h);
    CycleState s = new CycleState();
    PodInfo p = PodInfo.of(spreading(1, ZONE));
    plugin.preFilter(s, p);
    Status st = plugin.filter(s, p, h.snapshot().get("nozone"));
    assertThat(st.code()).isEqualTo(Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE);
    assertThat(st.reasons())
        .containsExactly(
            "node(s) didn't match pod topology spread constraints (missing required label)");
  }

  @Test
  void minDomainsTreatsMissingDomainsAsEmpty() throws Exception {
    Pod p = spreading(1, ZONE);
    p.getSpec().getTopologySpreadConstraints().get(0).setMinDomains(5);
    // Only 3 zones exist; the global minimum counts as 0: zone c (0) is fine, b (1) is 2 > 1.
    List<Pod> existing = blue("a1", "b1", "c1");
    assertThat(filter(existing, p, "b1").isSuccess()).isFalse();
    Pod q = spreading(1, ZONE);
    assertThat(filter(existing, q, "b1").isSuccess()).isTrue();
  }

  @Test
  void podsThatDoNotMatchTheirOwnSelectorDoNotCountThemselves() throws Exception {
    Pod red =
        pod("red").label("color", "red").spread(1, ZONE, "DoNotSchedule", "color", "blue").build();
    // a=1, b=0, c=0: a: 1 + 0 - 0 = 1 <= 1.
    assertThat(filter(blue("a1"), red, "a1").isSuccess()).isTrue();
  }

  @Test
  void preemptionExtensionsMoveCounts() throws Exception {
    List<Pod> existing = blue("a1", "a2");
    TestHandle h = TestHandle.of(NODES, existing);
    PodTopologySpread plugin = plugin(h);
    CycleState s = new CycleState();
    PodInfo p = PodInfo.of(spreading(1, ZONE));
    plugin.preFilter(s, p);
    NodeInfo a1 = h.snapshot().get("a1");
    assertThat(plugin.filter(s, p, a1).isSuccess()).isFalse();
    CycleState copy = s.copy();
    plugin.preFilterExtensions().removePod(copy, p, PodInfo.of(existing.get(0)), a1);
    plugin
        .preFilterExtensions()
        .removePod(copy, p, PodInfo.of(existing.get(1)), h.snapshot().get("a2"));
    assertThat(plugin.filter(copy, p, a1).isSuccess()).isTrue();
  }

  @Test
  void softConstraintsScoreEmptierDomainsHigher() throws Exception {
    TestHandle h = TestHandle.of(NODES, blue("a1", "a2", "b1"));
    PodTopologySpread plugin = plugin(h);
    Pod p =
        pod("new")
            .label("color", "blue")
            .spread(1, ZONE, "ScheduleAnyway", "color", "blue")
            .build();
    PodInfo pi = PodInfo.of(p);
    List<NodeInfo> nodes = h.snapshot().list();
    CycleState s = new CycleState();
    assertThat(plugin.preScore(s, pi, nodes).isSuccess()).isTrue();
    long[] raw = nodes.stream().mapToLong(n -> plugin.score(s, pi, n)).toArray();
    // weight log(3 + 2) = 1.609: a: 2 * 1.609 = 3, b: 1.6 -> 2, c: 0.
    assertThat(raw).containsExactly(3, 3, 2, 0);
    plugin.normalize(s, pi, new NodeScores(nodes, raw));
    // 100 * (max + min - s) / max: a 0, b 33, c 100.
    assertThat(raw).containsExactly(0, 0, 33, 100);
  }

  @Test
  void systemDefaultsApplyToPodsOfAServiceOnly() throws Exception {
    Snapshot snap = Snapshot.of(NODES, blue("a1", "a1", "a2"));
    FakeClusterObjects byService = new FakeClusterObjects();
    byService.defaultSelector =
        pod ->
            "blue".equals(pod.labels().get("color"))
                ? Selector.ofLabels(Map.of("color", "blue"))
                : Selector.EVERYTHING;
    TestHandle h = new TestHandle(snap, byService);
    PodTopologySpread plugin = plugin(h);
    List<NodeInfo> nodes = snap.list();
    PodInfo served = PodInfo.of(pod("s").label("color", "blue").build());
    CycleState s = new CycleState();
    assertThat(plugin.preScore(s, served, nodes).isSuccess()).isTrue();
    long[] raw = nodes.stream().mapToLong(n -> plugin.score(s, served, n)).toArray();
    plugin.normalize(s, served, new NodeScores(nodes, raw));
    assertThat(raw[3]).as("c1, empty zone and host").isEqualTo(100);
    assertThat(raw[0]).as("a1, two on the host").isLessThan(raw[2]);
    assertThat(plugin.preScore(new CycleState(), PodInfo.of(pod("x").build()), nodes).isSkip())
        .isTrue();
  }

  @Test
  void hostnameConstraintCountsPerNode() throws Exception {
    assertThat(filter(blue("a1"), spreading(1, HOST), "a1").isSuccess()).isFalse();
    assertThat(filter(blue("a1"), spreading(1, HOST), "a2").isSuccess()).isTrue();
  }
}
