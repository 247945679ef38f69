package io.k8j.scheduler.cache;

import static io.k8j.scheduler.TestObjects.node;
import static io.k8j.scheduler.TestObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ContainerImage;
import io.fabric8.kubernetes.api.model.Node;
import io.k8j.scheduler.framework.NodeInfo;
import io.k8j.scheduler.framework.PodInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchedulerCacheTest {
  private static PodInfo on(String pod, String node, String cpu) {
    return PodInfo.of(pod(pod).cpu(cpu).node(node).build());
  }

  @Test
  void assumedPodsCountUntilForgottenOrConfirmed() {
    SchedulerCache c = new SchedulerCache();
    c.addNode(node("n1").build());
    PodInfo p = PodInfo.of(pod("p").cpu("1").build()).withNodeName("n1");
    c.assumePod(p);
    Snapshot s = new Snapshot();
    c.updateSnapshot(s);
    assertThat(s.get("n1").requested().milliCpu()).isEqualTo(1000);
    assertThat(c.isAssumed(p.uid())).isTrue();
    assertThatThrownBy(() -> c.assumePod(p)).isInstanceOf(IllegalStateException.class);

    c.forgetPod(p);
    c.updateSnapshot(s);
    assertThat(s.get("n1").requested().milliCpu()).isZero();

    c.assumePod(p);
    c.finishBinding(p);
    PodInfo bound = PodInfo.of(p.pod().toBuilder().editSpec().withNodeName("n1").endSpec().build());
    c.addPod(bound);
    assertThat(c.isAssumed(p.uid())).isFalse();
    c.updateSnapshot(s);
    assertThat(s.get("n1").pods()).hasSize(1);
  }

  @Test
  void snapshotCopiesOnlyChangedNodesAndKeepsTheOthersAsTheyWere() {
    SchedulerCache c = new SchedulerCache();
    for (int i = 0; i < 50; i++) {
      c.addNode(node("n" + i).zone("z" + (i % 3)).build());
    }
    Snapshot s = new Snapshot();
    c.updateSnapshot(s);
    assertThat(s.list()).hasSize(50);
    NodeInfo n7 = s.get("n7");
    NodeInfo n8 = s.get("n8");
    long gen8 = n8.generation();

    c.addPod(on("a", "n7", "500m"));
    c.updateSnapshot(s);
    assertThat(s.get("n7")).isSameAs(n7);
    assertThat(n7.requested().milliCpu()).isEqualTo(500);
    assertThat(s.get("n8")).isSameAs(n8);
    assertThat(n8.generation()).isEqualTo(gen8);
    assertThat(s.list()).hasSize(50).contains(n7);
  }

  @Test
  void nodesAreListedZoneByZone() {
    SchedulerCache c = new SchedulerCache();
    c.addNode(node("a1").zone("a").build());
    c.addNode(node("a2").zone("a").build());
    c.addNode(node("a3").zone("a").build());
    c.addNode(node("b1").zone("b").build());
    c.addNode(node("c1").zone("c").build());
    c.addNode(node("c2").zone("c").build());
    Snapshot s = new Snapshot();
    c.updateSnapshot(s);
    assertThat(s.list())
        .extracting(NodeInfo::name)
        .containsExactly("a1", "b1", "c1", "a2", "c2", "a3");
  }

  @Test
  void removedNodesLeaveTheSnapshotWhileTheirPodsStayKnown() {
    SchedulerCache c = new SchedulerCache();
    Node n1 = node("n1").build();
    c.addNode(n1);
    c.addNode(node("n2").build());
    PodInfo p = on("p", "n1", "100m");
    c.addPod(p);
    Snapshot s = new Snapshot();
    c.updateSnapshot(s);
    c.removeNode(n1);
    c.updateSnapshot(s);
    assertThat(s.list()).extracting(NodeInfo::name).containsExactly("n2");
    assertThat(s.get("n1")).isNull();
    assertThat(c.getPod(p.uid())).isNotNull();
    c.addNode(n1);
    c.updateSnapshot(s);
    assertThat(s.get("n1").pods()).hasSize(1);
  }

  @Test
  void podsBeforeTheirNodeAreKept() {
    SchedulerCache c = new SchedulerCache();
    c.addPod(on("early", "late-node", "1"));
    Snapshot s = new Snapshot();
    c.updateSnapshot(s);
    assertThat(s.list()).isEmpty();
    c.addNode(node("late-node").build());
    c.updateSnapshot(s);
    assertThat(s.get("late-node").requested().milliCpu()).isEqualTo(1000);
  }

  @Test
  void affinityListsFollowThePods() {
    SchedulerCache c = new SchedulerCache();
    c.addNode(node("n1").build());
    c.addNode(node("n2").build());
    Snapshot s = new Snapshot();
    c.updateSnapshot(s);
    assertThat(s.havePodsWithRequiredAntiAffinity()).isEmpty();
    PodInfo anti =
        PodInfo.of(
            pod("anti").node("n2").antiAffinity("app", "x", "kubernetes.io/hostname").build());
    c.addPod(anti);
    c.updateSnapshot(s);
    assertThat(s.havePodsWithRequiredAntiAffinity())
        .extracting(NodeInfo::name)
        .containsExactly("n2");
    assertThat(s.havePodsWithAffinity()).extracting(NodeInfo::name).containsExactly("n2");
    c.removePod(anti);
    c.updateSnapshot(s);
    assertThat(s.havePodsWithRequiredAntiAffinity()).isEmpty();
  }

  @Test
  void imageStatesCountTheNodesThatHaveAnImage() {
    SchedulerCache c = new SchedulerCache();
    Node a = node("a").build();
    a.getStatus().setImages(List.of(new ContainerImage(List.of("nginx:1.27"), 100_000_000L)));
    Node b = node("b").build();
    b.getStatus().setImages(List.of(new ContainerImage(List.of("nginx:1.27"), 100_000_000L)));
    c.addNode(a);
    c.addNode(b);
    Snapshot s = new Snapshot();
    c.updateSnapshot(s);
    assertThat(s.get("a").imageStates().get("nginx:1.27").numNodes()).isEqualTo(2);
    c.removeNode(b);
    assertThat(s.get("a").imageStates().get("nginx:1.27").numNodes()).isEqualTo(1);
  }
}
