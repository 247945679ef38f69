package io.k8j.scheduler.plugins.defaultpreemption;

import static io.k8j.scheduler.TestObjects.node;
import static io.k8j.scheduler.TestObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.k8j.scheduler.FakeClusterObjects;
import io.k8j.scheduler.TestHandle;
import io.k8j.scheduler.TestObjects;
import io.k8j.scheduler.cache.Snapshot;
import io.k8j.scheduler.framework.ClusterObjects;
import io.k8j.scheduler.framework.CycleState;
import io.k8j.scheduler.framework.NodeInfo;
import io.k8j.scheduler.framework.NodeToStatus;
import io.k8j.scheduler.framework.PodInfo;
import io.k8j.scheduler.framework.PodNominator;
import io.k8j.scheduler.framework.PostFilterResult;
import io.k8j.scheduler.framework.Status;
import io.k8j.scheduler.framework.runtime.FrameworkImpl;
import java.util.List;
import org.junit.jupiter.api.Test;

class DefaultPreemptionTest {
  private record Setup(FrameworkImpl fwk, DefaultPreemption plugin, NodeToStatus statuses) {}

  /**
   * Runs a cycle's pre-filter and filters for {@code pod}, as the scheduler would before
   * preempting.
   */
  private static Setup setup(
      List<Node> nodes, List<Pod> pods, ClusterObjects objects, Pod pod, CycleState state) {
    Snapshot snap = Snapshot.of(nodes, pods);
    FrameworkImpl fwk = TestHandle.framework(snap, objects, PodNominator.NONE, null);
    PodInfo p = PodInfo.of(pod);
    fwk.runPreFilterPlugins(state, p);
    NodeToStatus m = new NodeToStatus();
    for (NodeInfo n : snap.list()) {
      Status s = fwk.runFilterPlugins(state, p, n);
      if (!s.isSuccess()) {
        m.set(n.name(), s);
      }
    }
    return new Setup(fwk, (DefaultPreemption) fwk.plugin(DefaultPreemption.NAME), m);
  }

  @Test
  void evictsAsFewAndAsUnimportantPodsAsPossible() {
    List<Node> nodes = List.of(node("n1").cpu("2").build());
    List<Pod> pods =
        List.of(
            pod("low1").cpu("1").priority(1).node("n1").build(),
            pod("low2").cpu("1").priority(2).node("n1").build());
    Pod high = pod("high").cpu("1").priority(10).build();
    CycleState state = new CycleState();
    Setup s = setup(nodes, pods, ClusterObjects.EMPTY, high, state);
    List<Candidate> c =
        s.plugin()
            .findCandidates(
                state,
                PodInfo.of(high),
                s.fwk().snapshot().list(),
                s.statuses(),
                new NodeToStatus());
    assertThat(c).hasSize(1);
    assertThat(c.get(0).node()).isEqualTo("n1");
    assertThat(c.get(0).victims()).extracting(PodInfo::name).containsExactly("low1");
  }

  @Test
  void picksTheNodeWhoseVictimsMatterLeast() {
    List<Node> nodes = List.of(node("n1").cpu("1").build(), node("n2").cpu("1").build());
    List<Pod> pods =
        List.of(
            pod("mid").cpu("1").priority(5).node("n1").build(),
            pod("low").cpu("1").priority(1).node("n2").build());
    Pod high = pod("high").cpu("1").priority(10).build();
    CycleState state = new CycleState();
    Setup s = setup(nodes, pods, ClusterObjects.EMPTY, high, state);
    List<Candidate> c =
        s.plugin()
            .findCandidates(
                state,
                PodInfo.of(high),
                s.fwk().snapshot().list(),
                s.statuses(),
                new NodeToStatus());
    assertThat(c).hasSize(2);
    assertThat(CandidateSelection.pick(c).node()).isEqualTo("n2");
  }

  @Test
  void prefersNodesWhereNoDisruptionBudgetIsViolated() {
    List<Node> nodes = List.of(node("n1").cpu("1").build(), node("n2").cpu("1").build());
    List<Pod> pods =
        List.of(
            pod("guarded").label("app", "db").cpu("1").priority(1).node("n1").build(),
            pod("free").cpu("1").priority(3).node("n2").build());
    PodDisruptionBudget pdb =
        new PodDisruptionBudgetBuilder()
            .withNewMetadata()
            .withName("db")
            .withNamespace("default")
            .endMetadata()
            .withNewSpec()
            .withSelector(TestObjects.selector("app", "db"))
            .endSpec()
            .withNewStatus()
            .withDisruptionsAllowed(0)
            .endStatus()
            .build();
    Pod high = pod("high").cpu("1").priority(10).build();
    CycleState state = new CycleState();
    Setup s = setup(nodes, pods, withPdbs(List.of(pdb)), high, state);
    List<Candidate> c =
        s.plugin()
            .findCandidates(
                state,
                PodInfo.of(high),
                s.fwk().snapshot().list(),
                s.statuses(),
                new NodeToStatus());
    Candidate best = CandidateSelection.pick(c);
    assertThat(best.node()).isEqualTo("n2");
    assertThat(best.pdbViolations()).isZero();
  }

  @Test
  void explainsWhyPreemptionCannotHelp() {
    List<Node> nodes =
        List.of(node("n1").cpu("1").build(), node("t").taint("k", "v", "NoSchedule").build());
    List<Pod> pods = List.of(pod("same").cpu("1").priority(10).node("n1").build());
    Pod p = pod("p").cpu("1").priority(10).build();
    CycleState state = new CycleState();
    Setup s = setup(nodes, pods, ClusterObjects.EMPTY, p, state);
    PostFilterResult r = s.plugin().postFilter(state, PodInfo.of(p), s.statuses());
    assertThat(r.status().code()).isEqualTo(Status.Code.UNSCHEDULABLE);
    assertThat(r.status().message())
        .isEqualTo(
            "preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod,"
                + " 1 Preemption is not helpful for scheduling.");
    assertThat(r.nominatedNodeName()).isEmpty();
  }

  @Test
  void podsThatMayNotPreemptSaySo() {
    List<Node> nodes = List.of(node("n1").cpu("1").build());
    List<Pod> pods = List.of(pod("low").cpu("1").priority(1).node("n1").build());
    Pod never = pod("p").cpu("1").priority(10).build();
    never.getSpec().setPreemptionPolicy("Never");
    CycleState state = new CycleState();
    Setup s = setup(nodes, pods, ClusterObjects.EMPTY, never, state);
    PostFilterResult r = s.plugin().postFilter(state, PodInfo.of(never), s.statuses());
    assertThat(r.status().message())
        .isEqualTo("preemption: not eligible due to preemptionPolicy=Never.");
  }

  private static ClusterObjects withPdbs(List<PodDisruptionBudget> pdbs) {
    FakeClusterObjects o = new FakeClusterObjects();
    o.pdbs.addAll(pdbs);
    return o;
  }
}
