package io.k8j.scheduler.queue;

import static io.k8j.scheduler.TestObjects.node;
import static io.k8j.scheduler.TestObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSchedulingGate;
import io.k8j.common.FakeClock;
import io.k8j.scheduler.framework.ClusterEvent;
import io.k8j.scheduler.framework.ClusterEvent.ActionType;
import io.k8j.scheduler.framework.ClusterEvent.EventResource;
import io.k8j.scheduler.framework.ClusterEvent.QueueingHint;
import io.k8j.scheduler.framework.PodInfo;
import io.k8j.scheduler.framework.QueuedPodInfo;
import io.k8j.scheduler.framework.Status;
import io.k8j.scheduler.plugins.prioritysort.PrioritySort;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SchedulingQueueTest {
  private final FakeClock clock = new FakeClock();

  /** NodeResourcesFit wants node adds; TaintToleration wants nodes whose taints it tolerates. */
  private final QueueingPolicy policy =
      new QueueingPolicy() {
        @Override
        public Status preEnqueue(PodInfo pod) {
          List<PodSchedulingGate> g = pod.pod().getSpec().getSchedulingGates();
          return g == null || g.isEmpty()
              ? Status.SUCCESS
              : Status.unresolvable("gated").withPlugin("SchedulingGates");
        }

        @Override
        public List<ClusterEvent.WithHint> eventsFor(PodInfo pod, String plugin) {
          return switch (plugin) {
            case "NodeResourcesFit" ->
                List.of(ClusterEvent.WithHint.of(EventResource.NODE, ActionType.ADD));
            case "TaintToleration" ->
                List.of(
                    ClusterEvent.WithHint.of(
                        EventResource.NODE,
                        ActionType.ADD | ActionType.UPDATE_NODE_TAINT,
                        (p, o, n) -> QueueingHint.SKIP));
            case "SchedulingGates" ->
                List.of(ClusterEvent.WithHint.of(EventResource.POD, ActionType.UPDATE));
            default -> null;
          };
        }
      };

  private SchedulingQueue queue() {
    return new SchedulingQueue(
        clock,
        new PrioritySort(),
        policy,
        Duration.ofSeconds(1),
        Duration.ofSeconds(10),
        Duration.ofMinutes(5));
  }

  private static PodInfo info(Pod p) {
    return PodInfo.of(p);
  }

  @Test
  void popsByPriorityThenByQueueTime() throws Exception {
    SchedulingQueue q = queue();
    q.add(info(pod("low").priority(1).build()));
    clock.advance(Duration.ofMillis(1));
    q.add(info(pod("high").priority(100).build()));
    clock.advance(Duration.ofMillis(1));
    q.add(info(pod("low2").priority(1).build()));
    assertThat(q.pop().podInfo().name()).isEqualTo("high");
    assertThat(q.pop().podInfo().name()).isEqualTo("low");
    assertThat(q.pop().podInfo().name()).isEqualTo("low2");
  }

  @Test
  void backoffDoublesFromOneSecondUpToTen() {
    SchedulingQueue q = queue();
    assertThat(q.backoffDuration(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(q.backoffDuration(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(q.backoffDuration(3)).isEqualTo(Duration.ofSeconds(4));
    assertThat(q.backoffDuration(4)).isEqualTo(Duration.ofSeconds(8));
    assertThat(q.backoffDuration(5)).isEqualTo(Duration.ofSeconds(10));
    assertThat(q.backoffDuration(20)).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void failedPodWaitsForAnEventItsPluginCaresAbout() throws Exception {
    SchedulingQueue q = queue();
    PodInfo p = info(pod("p").build());
    q.add(p);
    QueuedPodInfo qp = q.pop();
    long cycle = q.schedulingCycle();
    qp.setUnschedulablePlugins(Set.of("NodeResourcesFit"));
    q.addUnschedulableIfNotPresent(qp, cycle);
    assertThat(q.whereIs(p.uid())).isEqualTo("unschedulable");

    q.moveAllToActiveOrBackoffQueue(ClusterEvent.ASSIGNED_POD_ADD, null, pod("other").build());
    assertThat(q.whereIs(p.uid())).isEqualTo("unschedulable");

    q.moveAllToActiveOrBackoffQueue(ClusterEvent.NODE_ADD, null, node("n").build());
    assertThat(q.whereIs(p.uid())).isEqualTo("backoff");
    clock.advance(Duration.ofSeconds(1));
    q.flushBackoffCompleted();
    assertThat(q.whereIs(p.uid())).isEqualTo("active");
  }

  @Test
  void hintsCanSkipAnEvent() throws Exception {
    SchedulingQueue q = queue();
    PodInfo p = info(pod("p").build());
    q.add(p);
    QueuedPodInfo qp = q.pop();
    qp.setUnschedulablePlugins(Set.of("TaintToleration"));
    q.addUnschedulableIfNotPresent(qp, q.schedulingCycle());
    q.moveAllToActiveOrBackoffQueue(ClusterEvent.NODE_ADD, null, node("n").build());
    assertThat(q.whereIs(p.uid())).isEqualTo("unschedulable");
  }

  @Test
  void anEventDuringTheCycleSendsTheFailedPodToBackoff() throws Exception {
    SchedulingQueue q = queue();
    PodInfo p = info(pod("p").build());
    q.add(p);
    QueuedPodInfo qp = q.pop();
    long cycle = q.schedulingCycle();
    q.moveAllToActiveOrBackoffQueue(ClusterEvent.NODE_ADD, null, node("n").build());
    qp.setUnschedulablePlugins(Set.of("NodeResourcesFit"));
    q.addUnschedulableIfNotPresent(qp, cycle);
    assertThat(q.whereIs(p.uid())).isEqualTo("backoff");
  }

  @Test
  void errorsGoToBackoffAndRetryAfterTheDoubledBackoff() throws Exception {
    SchedulingQueue q = queue();
    PodInfo p = info(pod("p").build());
    q.add(p);
    for (int attempt = 1; attempt <= 3; attempt++) {
      QueuedPodInfo qp = q.pop();
      assertThat(qp.attempts()).isEqualTo(attempt);
      q.addUnschedulableIfNotPresent(qp, q.schedulingCycle());
      assertThat(q.whereIs(p.uid())).isEqualTo("backoff");
      Duration backoff = Duration.ofSeconds(1L << (attempt - 1));
      clock.advance(backoff.minusMillis(1));
      q.flushBackoffCompleted();
      assertThat(q.whereIs(p.uid())).isEqualTo("backoff");
      clock.advance(Duration.ofMillis(1));
      q.flushBackoffCompleted();
      assertThat(q.whereIs(p.uid())).isEqualTo("active");
    }
  }

  @Test
  void unschedulablePodsAreRetriedAfterFiveMinutes() throws Exception {
    SchedulingQueue q = queue();
    PodInfo p = info(pod("p").build());
    q.add(p);
    QueuedPodInfo qp = q.pop();
    qp.setUnschedulablePlugins(Set.of("NodeResourcesFit"));
    q.addUnschedulableIfNotPresent(qp, q.schedulingCycle());
    clock.advance(Duration.ofMinutes(4));
    q.flushUnschedulableLeftover();
    assertThat(q.whereIs(p.uid())).isEqualTo("unschedulable");
    clock.advance(Duration.ofMinutes(1));
    q.flushUnschedulableLeftover();
    assertThat(q.whereIs(p.uid())).isEqualTo("active");
  }

  @Test
  void gatedPodsWaitUntilTheirGatesAreRemoved() {
    SchedulingQueue q = queue();
    Pod gated = pod("g").build();
    gated.getSpec().setSchedulingGates(List.of(new PodSchedulingGate("example.com/gate")));
    q.add(info(gated));
    assertThat(q.whereIs(gated.getMetadata().getUid())).isEqualTo("unschedulable");
    Pod open = pod("g").build();
    open.getMetadata().setUid(gated.getMetadata().getUid());
    q.update(info(gated), info(open));
    assertThat(q.whereIs(gated.getMetadata().getUid())).isEqualTo("active");
  }

  @Test
  void statusOnlyUpdatesDoNotMoveUnschedulablePods() throws Exception {
    SchedulingQueue q = queue();
    Pod p = pod("p").build();
    q.add(info(p));
    QueuedPodInfo qp = q.pop();
    qp.setUnschedulablePlugins(Set.of("NodeResourcesFit"));
    q.addUnschedulableIfNotPresent(qp, q.schedulingCycle());
    Pod withStatus = pod("p").build();
    withStatus.getMetadata().setUid(p.getMetadata().getUid());
    withStatus.setStatus(
        new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Pending").build());
    q.update(info(p), info(withStatus));
    assertThat(q.whereIs(p.getMetadata().getUid())).isEqualTo("unschedulable");
    Pod relabeled = pod("p").label("a", "b").build();
    relabeled.getMetadata().setUid(p.getMetadata().getUid());
    q.update(info(withStatus), info(relabeled));
    assertThat(q.whereIs(p.getMetadata().getUid())).isIn("active", "backoff");
  }

  @Test
  void deletedPodsLeaveEveryQueueAndTheNominator() {
    SchedulingQueue q = queue();
    PodInfo p = info(pod("p").nominated("n1").build());
    q.add(p);
    assertThat(q.nominatedPodsForNode("n1")).extracting(PodInfo::name).containsExactly("p");
    q.delete(p);
    assertThat(q.whereIs(p.uid())).isNull();
    assertThat(q.nominatedPodsForNode("n1")).isEmpty();
  }

  @Test
  void nominationsFollowPreemptionResults() {
    SchedulingQueue q = queue();
    PodInfo p = info(pod("p").build());
    q.addNominatedPod(p, "n2");
    assertThat(q.nominatedNodeOf(p.uid())).isEqualTo("n2");
    q.addNominatedPod(p, "n3");
    assertThat(q.nominatedPodsForNode("n2")).isEmpty();
    assertThat(q.nominatedPodsForNode("n3")).hasSize(1);
    q.deleteNominatedPodIfExists(p);
    assertThat(q.nominatedNodeOf(p.uid())).isNull();
  }
}
