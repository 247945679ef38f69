package io.k8j.scheduler.plugins.nodeaffinity;

import static io.k8j.scheduler.TestObjects.node;
import static io.k8j.scheduler.TestObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.k8j.scheduler.framework.CycleState;
import io.k8j.scheduler.framework.NodeInfo;
import io.k8j.scheduler.framework.NodeScores;
import io.k8j.scheduler.framework.PodInfo;
import io.k8j.scheduler.framework.PreFilterResult;
import io.k8j.scheduler.framework.Status;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NodeAffinityTest {
  private final NodeAffinity plugin = NodeAffinity.create(null, null);

  private static Pod withAffinity(Affinity a) {
    Pod p = pod("p").build();
    p.getSpec().setAffinity(a);
    return p;
  }

  private static Affinity required(String key, String op, String... values) {
    return new AffinityBuilder()
        .withNewNodeAffinity()
        .withNewRequiredDuringSchedulingIgnoredDuringExecution()
        .addNewNodeSelectorTerm()
        .addNewMatchExpression()
        .withKey(key)
        .withOperator(op)
        .withValues(values)
        .endMatchExpression()
        .endNodeSelectorTerm()
        .endRequiredDuringSchedulingIgnoredDuringExecution()
        .endNodeAffinity()
        .build();
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("node selector matches", pod("p").nodeSelector("disk", "ssd").build(), true),
        Arguments.of("node selector misses", pod("p").nodeSelector("disk", "hdd").build(), false),
        Arguments.of("In", withAffinity(required("zone", "In", "a", "b")), true),
        Arguments.of("NotIn", withAffinity(required("zone", "NotIn", "a")), false),
        Arguments.of("Exists", withAffinity(required("disk", "Exists")), true),
        Arguments.of("DoesNotExist", withAffinity(required("gpu", "DoesNotExist")), true),
        Arguments.of("Gt", withAffinity(required("cores", "Gt", "8")), true),
        Arguments.of("Lt", withAffinity(required("cores", "Lt", "8")), false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void requiredAffinityAndSelector(String name, Pod pod, boolean fits) {
    NodeInfo n =
        NodeInfo.of(node("n").label("disk", "ssd").label("zone", "a").label("cores", "16").build());
    CycleState s = new CycleState();
    PodInfo p = PodInfo.of(pod);
    assertThat(plugin.preFilter(s, p).status().isSuccess()).isTrue();
    Status st = plugin.filter(s, p, n);
    assertThat(st.isSuccess()).isEqualTo(fits);
    if (!fits) {
      assertThat(st.code()).isEqualTo(Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE);
      assertThat(st.reasons()).containsExactly("node(s) didn't match Pod's node affinity/selector");
    }
  }

  @Test
  void podsWithoutNodeConstraintsSkipTheFilter() {
    assertThat(plugin.preFilter(new CycleState(), PodInfo.of(pod("p").build())).status().isSkip())
        .isTrue();
  }

  @Test
  void metadataNameTermsNarrowTheNodes() {
    Affinity a =
        new AffinityBuilder()
            .withNewNodeAffinity()
            .withNewRequiredDuringSchedulingIgnoredDuringExecution()
            .addNewNodeSelectorTerm()
            .addNewMatchField()
            .withKey("metadata.name")
            .withOperator("In")
            .withValues("n7")
            .endMatchField()
            .endNodeSelectorTerm()
            .endRequiredDuringSchedulingIgnoredDuringExecution()
            .endNodeAffinity()
            .build();
    PreFilterResult r = plugin.preFilter(new CycleState(), PodInfo.of(withAffinity(a)));
    assertThat(r.nodeNames()).isEqualTo(Set.of("n7"));
  }

  @Test
  void preferredTermsScoreByWeight() {
    Affinity a =
        new AffinityBuilder()
            .withNewNodeAffinity()
            .addNewPreferredDuringSchedulingIgnoredDuringExecution()
            .withWeight(10)
            .withNewPreference()
            .addNewMatchExpression()
            .withKey("disk")
            .withOperator("In")
            .withValues("ssd")
            .endMatchExpression()
            .endPreference()
            .endPreferredDuringSchedulingIgnoredDuringExecution()
            .addNewPreferredDuringSchedulingIgnoredDuringExecution()
            .withWeight(30)
            .withNewPreference()
            .addNewMatchExpression()
            .withKey("zone")
            .withOperator("In")
            .withValues("a")
            .endMatchExpression()
            .endPreference()
            .endPreferredDuringSchedulingIgnoredDuringExecution()
            .endNodeAffinity()
            .build();
    List<NodeInfo> nodes =
        List.of(
            NodeInfo.of(node("both").label("disk", "ssd").label("zone", "a").build()),
            NodeInfo.of(node("disk").label("disk", "ssd").build()),
            NodeInfo.of(node("none").build()));
    PodInfo p = PodInfo.of(withAffinity(a));
    CycleState s = new CycleState();
    assertThat(plugin.preScore(s, p, nodes).isSuccess()).isTrue();
    long[] raw = nodes.stream().mapToLong(n -> plugin.score(s, p, n)).toArray();
    assertThat(raw).containsExactly(40, 10, 0);
    plugin.normalize(s, p, new NodeScores(nodes, raw));
    assertThat(raw).containsExactly(100, 25, 0);
  }
}
