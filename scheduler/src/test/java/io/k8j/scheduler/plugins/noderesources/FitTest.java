package io.k8j.scheduler.plugins.noderesources;

import static io.k8j.scheduler.TestObjects.node;
import static io.k8j.scheduler.TestObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.k8j.scheduler.TestHandle;
import io.k8j.scheduler.framework.CycleState;
import io.k8j.scheduler.framework.NodeInfo;
import io.k8j.scheduler.framework.PodInfo;
import io.k8j.scheduler.framework.Status;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FitTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode args(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static NodeInfo nodeWith(Node n, Pod... pods) {
    NodeInfo ni = new NodeInfo();
    ni.setNode(n);
    for (Pod p : pods) {
      ni.addPod(PodInfo.of(p));
    }
    return ni;
  }

  private static Status filter(Fit fit, Pod pod, NodeInfo node) {
    CycleState s = new CycleState();
    PodInfo p = PodInfo.of(pod);
    fit.preFilter(s, p);
    return fit.filter(s, p, node);
  }

  static Stream<Arguments> filterCases() {
    Node n = node("n").cpu("2").memory("4Gi").pods(3).resource("example.com/gpu", "1").build();
    return Stream.of(
        Arguments.of(
            "fits", pod("p").cpu("1").build(), List.<Pod>of(), Status.Code.SUCCESS, List.of()),
        Arguments.of(
            "insufficient cpu",
            pod("p").cpu("1").build(),
            List.of(pod("a").cpu("1500m").node("n").build()),
            Status.Code.UNSCHEDULABLE,
            List.of("Insufficient cpu")),
        Arguments.of(
            "cpu and memory",
            pod("p").cpu("1").memory("3Gi").build(),
            List.of(pod("a").cpu("1500m").memory("2Gi").node("n").build()),
            Status.Code.UNSCHEDULABLE,
            List.of("Insufficient cpu", "Insufficient memory")),
        Arguments.of(
            "more than the node has at all: unresolvable",
            pod("p").cpu("3").build(),
            List.<Pod>of(),
            Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE,
            List.of("Insufficient cpu")),
        Arguments.of(
            "too many pods",
            pod("p").build(),
            List.of(
                pod("a").node("n").build(), pod("b").node("n").build(), pod("c").node("n").build()),
            Status.Code.UNSCHEDULABLE,
            List.of("Too many pods")),
        Arguments.of(
            "extended resource",
            pod("p").request("example.com/gpu", "1").build(),
            List.of(pod("a").request("example.com/gpu", "1").node("n").build()),
            Status.Code.UNSCHEDULABLE,
            List.of("Insufficient example.com/gpu")),
        Arguments.of(
            "a pod without requests fits an overcommitted node",
            pod("p").build(),
            List.of(pod("a").cpu("3").node("n").build()),
            Status.Code.SUCCESS,
            List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("filterCases")
  void filter(String name, Pod pod, List<Pod> existing, Status.Code code, List<String> reasons) {
    Fit fit = Fit.create(args("{}"), null);
    Node n = node("n").cpu("2").memory("4Gi").pods(3).resource("example.com/gpu", "1").build();
    Status s = filter(fit, pod, nodeWith(n, existing.toArray(Pod[]::new)));
    assertThat(s.code()).isEqualTo(code);
    assertThat(s.reasons()).isEqualTo(reasons);
  }

  @Test
  void ignoredExtendedResourcesAreNotChecked() {
    Fit fit = Fit.create(args("{\"ignoredResourceGroups\": [\"example.com\"]}"), null);
    Status s =
        filter(fit, pod("p").request("example.com/gpu", "5").build(), nodeWith(node("n").build()));
    assertThat(s.isSuccess()).isTrue();
  }

  private static long score(String args, Pod pod, NodeInfo node) {
    Fit fit = Fit.create(args(args), null);
    TestHandle h = TestHandle.of(List.of(), List.of());
    CycleState s = new CycleState();
    PodInfo p = PodInfo.of(pod);
    fit.preScore(s, p, List.of(node));
    return fit.score(s, p, node);
  }

  @Test
  void leastAllocatedPrefersEmptierNodes() {
    // Node: 4 CPUs, 32Gi. Pod 1 CPU, 8Gi -> cpu (4-1)/4=75, memory (32-8)/32=75 -> 75.
    NodeInfo empty = nodeWith(node("n").build());
    Pod p = pod("p").cpu("1").memory("8Gi").build();
    assertThat(score("{}", p, empty)).isEqualTo(75);
    NodeInfo half = nodeWith(node("n").build(), pod("a").cpu("2").memory("16Gi").node("n").build());
    assertThat(score("{}", p, half)).isEqualTo(25);
  }

  @Test
  void mostAllocatedPrefersFullerNodes() {
    String most = "{\"scoringStrategy\": {\"type\": \"MostAllocated\"}}";
    Pod p = pod("p").cpu("1").memory("8Gi").build();
    assertThat(score(most, p, nodeWith(node("n").build()))).isEqualTo(25);
    NodeInfo half = nodeWith(node("n").build(), pod("a").cpu("2").memory("16Gi").node("n").build());
    assertThat(score(most, p, half)).isEqualTo(75);
  }

  @Test
  void podsWithoutRequestsCountAtTheDefaultsForScoring() {
    // 100m of 4000m CPU and 200Mi of 32Gi memory: cpu 97 (truncated), memory 99 -> (97+99)/2 = 98.
    assertThat(score("{}", pod("p").build(), nodeWith(node("n").build()))).isEqualTo(98);
  }

  @Test
  void weightsCombineResources() {
    String cpuHeavy =
        "{\"scoringStrategy\": {\"type\": \"LeastAllocated\", \"resources\": [{\"name\": \"cpu\","
            + " \"weight\": 3}, {\"name\": \"memory\", \"weight\": 1}]}}";
    // cpu (4-2)/4 = 50, memory (32-0)/32... memory request 0 -> 200Mi default: 99. (50*3+99)/4 =
    // 62.
    assertThat(score(cpuHeavy, pod("p").cpu("2").build(), nodeWith(node("n").build())))
        .isEqualTo(62);
  }

  @Test
  void requestedToCapacityRatioFollowsTheShape() {
    String rtcr =
        "{\"scoringStrategy\": {\"type\": \"RequestedToCapacityRatio\", \"resources\": [{\"name\":"
            + " \"cpu\", \"weight\": 1}], \"requestedToCapacityRatio\": {\"shape\": [{\"utilization\":"
            + " 0, \"score\": 0}, {\"utilization\": 100, \"score\": 10}]}}}";
    assertThat(score(rtcr, pod("p").cpu("1").build(), nodeWith(node("n").build()))).isEqualTo(25);
  }

  @Test
  void balancedAllocationPrefersEvenUse() {
    BalancedAllocation ba = BalancedAllocation.create(args("{}"), null);
    Pod p = pod("p").cpu("1").memory("8Gi").build();
    CycleState s = new CycleState();
    PodInfo pi = PodInfo.of(p);
    NodeInfo even = nodeWith(node("n").build());
    assertThat(ba.preScore(s, pi, List.of(even)).isSuccess()).isTrue();
    // cpu 1/4 = 0.25, memory 8/32 = 0.25: no deviation -> 100.
    assertThat(ba.score(s, pi, even)).isEqualTo(100);
    NodeInfo skewed = nodeWith(node("n").build(), pod("a").cpu("2").node("n").build());
    // cpu 3/4 = 0.75, memory 0.25: std 0.25 -> 75.
    assertThat(ba.score(s, pi, skewed)).isEqualTo(75);
    assertThat(ba.preScore(new CycleState(), PodInfo.of(pod("be").build()), List.of(even)).isSkip())
        .isTrue();
  }
}
