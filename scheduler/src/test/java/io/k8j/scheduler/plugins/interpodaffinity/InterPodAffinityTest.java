package io.k8j.scheduler.plugins.interpodaffinity;

import static io.k8j.scheduler.TestObjects.node;
import static io.k8j.scheduler.TestObjects.pod;
import static io.k8j.scheduler.TestObjects.term;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.k8j.scheduler.TestHandle;
import io.k8j.scheduler.framework.CycleState;
import io.k8j.scheduler.framework.NodeInfo;
import io.k8j.scheduler.framework.NodeScores;
import io.k8j.scheduler.framework.PodInfo;
import io.k8j.scheduler.framework.PreFilterResult;
import io.k8j.scheduler.framework.Status;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class InterPodAffinityTest {
  private static final String HOST = "kubernetes.io/hostname";
  private static final String ZONE = "topology.kubernetes.io/zone";

  private static final List<Node> NODES =
      List.of(
          node("a1").zone("a").build(),
          node("a2").zone("a").build(),
          node("b1").zone("b").build(),
          node("nozone").build());

  private static Status filter(List<Pod> existing, Pod pod, String nodeName) {
    TestHandle h = TestHandle.of(NODES, existing);
    InterPodAffinity plugin = InterPodAffinity.create(JsonNodeFactory.instance.objectNode(), h);
    CycleState s = new CycleState();
    PodInfo p = PodInfo.of(pod);
    PreFilterResult r = plugin.preFilter(s, p);
    if (r.status().isSkip()) {
      return Status.SUCCESS;
    }
    return plugin.filter(s, p, h.snapshot().get(nodeName));
  }

  static Stream<Arguments> cases() {
    Pod webOnA1 = pod("web").label("app", "web").node("a1").build();
    Pod guardOnA1 =
        pod("guard").label("app", "guard").node("a1").antiAffinity("app", "web", ZONE).build();
    return Stream.of(
        Arguments.of(
            "anti-affinity on host: same host rejected",
            List.of(webOnA1),
            pod("p").antiAffinity("app", "web", HOST).build(),
            "a1",
            "node(s) didn't match pod anti-affinity rules"),
        Arguments.of(
            "anti-affinity on host: other host fine",
            List.of(webOnA1),
            pod("p").antiAffinity("app", "web", HOST).build(),
            "a2",
            null),
        Arguments.of(
            "anti-affinity on zone: whole zone rejected",
            List.of(webOnA1),
            pod("p").antiAffinity("app", "web", ZONE).build(),
            "a2",
            "node(s) didn't match pod anti-affinity rules"),
        Arguments.of(
            "existing pod's anti-affinity keeps the pod out of its zone",
            List.of(guardOnA1),
            pod("p").label("app", "web").build(),
            "a2",
            "node(s) didn't satisfy existing pods anti-affinity rules"),
        Arguments.of(
            "existing pod's anti-affinity elsewhere",
            List.of(guardOnA1),
            pod("p").label("app", "web").build(),
            "b1",
            null),
        Arguments.of(
            "affinity to a zone with a match",
            List.of(webOnA1),
            pod("p").affinity("app", "web", ZONE).build(),
            "a2",
            null),
        Arguments.of(
            "affinity: zone without a match",
            List.of(webOnA1),
            pod("p").affinity("app", "web", ZONE).build(),
            "b1",
            "node(s) didn't match pod affinity rules"),
        Arguments.of(
            "affinity: node without the topology key",
            List.of(webOnA1),
            pod("p").affinity("app", "web", ZONE).build(),
            "nozone",
            "node(s) didn't match pod affinity rules"),
        Arguments.of(
            "affinity to itself, first of its kind",
            List.of(),
            pod("p").label("app", "db").affinity("app", "db", ZONE).build(),
            "b1",
            null),
        Arguments.of(
            "affinity to others, none yet",
            List.of(),
            pod("p").label("app", "db").affinity("app", "web", ZONE).build(),
            "b1",
            "node(s) didn't match pod affinity rules"),
        Arguments.of(
            "other namespaces do not count",
            List.of(pod("web").namespace("other").label("app", "web").node("a1").build()),
            pod("p").antiAffinity("app", "web", HOST).build(),
            "a1",
            null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void requiredTerms(String name, List<Pod> existing, Pod pod, String node, String reason) {
    Status s = filter(existing, pod, node);
    if (reason == null) {
      assertThat(s.isSuccess()).as(s.toString()).isTrue();
    } else {
      assertThat(s.reasons()).containsExactly(reason);
    }
  }

  @Test
  void podsWithoutTermsAndNoExistingAntiAffinitySkip() {
    TestHandle h = TestHandle.of(NODES, List.of(pod("x").node("a1").build()));
    InterPodAffinity plugin = InterPodAffinity.create(JsonNodeFactory.instance.objectNode(), h);
    assertThat(plugin.preFilter(new CycleState(), PodInfo.of(pod("p").build())).status().isSkip())
        .isTrue();
  }

  @Test
  void preemptionExtensionsUpdateTheCounts() {
    Pod web = pod("web").label("app", "web").node("a1").build();
    TestHandle h = TestHandle.of(NODES, List.of(web));
    InterPodAffinity plugin = InterPodAffinity.create(JsonNodeFactory.instance.objectNode(), h);
    CycleState s = new CycleState();
    PodInfo p = PodInfo.of(pod("p").antiAffinity("app", "web", HOST).build());
    plugin.preFilter(s, p);
    NodeInfo a1 = h.snapshot().get("a1");
    assertThat(plugin.filter(s, p, a1).isSuccess()).isFalse();
    CycleState copy = s.copy();
    plugin.preFilterExtensions().removePod(copy, p, PodInfo.of(web), a1);
    assertThat(plugin.filter(copy, p, a1).isSuccess()).isTrue();
    assertThat(plugin.filter(s, p, a1).isSuccess()).as("the original state is untouched").isFalse();
  }

  @Test
  void preferredTermsScoreAndNormalize() {
    Pod web = pod("web").label("app", "web").node("a1").build();
    Pod cache = pod("cache").label("app", "cache").node("b1").build();
    TestHandle h = TestHandle.of(NODES, List.of(web, cache));
    InterPodAffinity plugin = InterPodAffinity.create(JsonNodeFactory.instance.objectNode(), h);
    Pod p = pod("p").build();
    p.getSpec()
        .setAffinity(
            new AffinityBuilder()
                .withNewPodAffinity()
                .addNewPreferredDuringSchedulingIgnoredDuringExecution()
                .withWeight(10)
                .withPodAffinityTerm(term("app", "web", ZONE))
                .endPreferredDuringSchedulingIgnoredDuringExecution()
                .endPodAffinity()
                .withNewPodAntiAffinity()
                .addNewPreferredDuringSchedulingIgnoredDuringExecution()
                .withWeight(5)
                .withPodAffinityTerm(term("app", "cache", ZONE))
                .endPreferredDuringSchedulingIgnoredDuringExecution()
                .endPodAntiAffinity()
                .build());
    PodInfo pi = PodInfo.of(p);
    List<NodeInfo> nodes = h.snapshot().list();
    CycleState s = new CycleState();
    assertThat(plugin.preScore(s, pi, nodes).isSuccess()).isTrue();
    long[] raw = nodes.stream().mapToLong(n -> plugin.score(s, pi, n)).toArray();
    assertThat(raw).containsExactly(10, 10, -5, 0);
    plugin.normalize(s, pi, new NodeScores(nodes, raw));
    assertThat(raw).containsExactly(100, 100, 0, 33);
  }

  @Test
  void existingPodsRequiredAffinityAttractsMatchingPods() {
    Pod wantsWeb = pod("w").node("b1").affinity("app", "web", ZONE).build();
    TestHandle h = TestHandle.of(NODES, List.of(wantsWeb));
    InterPodAffinity plugin = InterPodAffinity.create(JsonNodeFactory.instance.objectNode(), h);
    PodInfo pi = PodInfo.of(pod("p").label("app", "web").build());
    List<NodeInfo> nodes = h.snapshot().list();
    CycleState s = new CycleState();
    plugin.preScore(s, pi, nodes);
    long[] raw = nodes.stream().mapToLong(n -> plugin.score(s, pi, n)).toArray();
    assertThat(raw).containsExactly(0, 0, 1, 0);
  }
}
