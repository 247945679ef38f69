package io.k8j.controllers.garbagecollector;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.k8j.client.ApiResource;
import io.k8j.client.Deletion;
import io.k8j.client.fake.FakeDynamicClient;
import io.k8j.client.fake.FakeInformers;
import io.k8j.client.queue.WorkQueue;
import io.k8j.common.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GarbageCollectorTest {
  static final List<String> VERBS =
      List.of("create", "delete", "get", "list", "patch", "update", "watch");
  static final ApiResource DEPLOYMENTS =
      new ApiResource("apps", "v1", "Deployment", "deployments", true, VERBS);
  static final ApiResource REPLICASETS =
      new ApiResource("apps", "v1", "ReplicaSet", "replicasets", true, VERBS);
  static final ApiResource PODS = new ApiResource("", "v1", "Pod", "pods", true, VERBS);
  static final ApiResource NODES = new ApiResource("", "v1", "Node", "nodes", false, VERBS);

  final FakeClock clock = new FakeClock();
  final FakeInformers informers = new FakeInformers();
  final FakeDynamicClient dynamic =
      new FakeDynamicClient(informers, clock, List.of(DEPLOYMENTS, REPLICASETS, PODS, NODES));
  final GarbageCollector gc =
      new GarbageCollector(informers, dynamic, clock, Duration.ofSeconds(30));

  @BeforeEach
  void monitor() {
    gc.syncMonitors();
  }

  static OwnerReference ref(GenericKubernetesResource owner, boolean block) {
    return new OwnerReferenceBuilder()
        .withApiVersion(owner.getApiVersion())
        .withKind(owner.getKind())
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(block)
        .build();
  }

  GenericKubernetesResource create(ApiResource r, String name, OwnerReference... owners) {
    GenericKubernetesResource o = new GenericKubernetesResource();
    o.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(r.namespaced() ? "default" : null)
            .withName(name)
            .withOwnerReferences(new ArrayList<>(List.of(owners)))
            .build());
    return dynamic.create(r, o);
  }

  boolean exists(ApiResource r, String name) {
    return dynamic.get(r, "default", name) != null;
  }

  /** Runs the graph builder and both queues until nothing is left to do. */
  void settle() {
    WorkQueue<String> del = gc.attemptToDeleteQueue();
    WorkQueue<String> orph = gc.attemptToOrphanQueue();
    int idle = 0;
    for (int i = 0; i < 1000 && idle < 20; i++) {
      gc.graph().drain();
      if (step(del, gc::attemptToDeleteItem) || step(orph, gc::attemptToOrphan)) {
        idle = 0;
        continue;
      }
      idle++;
      clock.advance(Duration.ofSeconds(1));
    }
  }

  private boolean step(WorkQueue<String> q, java.util.function.Consumer<String> fn) {
    if (q.length() == 0) {
      return false;
    }
    try {
      String key = q.get();
      try {
        fn.accept(key);
        q.forget(key);
      } catch (RuntimeException e) {
        q.addRateLimited(key);
      } finally {
        q.done(key);
      }
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
    return true;
  }

  /** A Deployment, its ReplicaSet and two pods, as the controllers make them. */
  GenericKubernetesResource tree() {
    GenericKubernetesResource d = create(DEPLOYMENTS, "web");
    GenericKubernetesResource rs = create(REPLICASETS, "web-abc", ref(d, true));
    create(PODS, "web-abc-1", ref(rs, true));
    create(PODS, "web-abc-2", ref(rs, true));
    settle();
    return d;
  }

  @Test
  void backgroundDeletionRemovesTheOwnerAtOnceAndItsDependentsAfter() {
    GenericKubernetesResource d = tree();
    assertThat(dynamic.log()).as("nothing to collect yet").isEmpty();
    dynamic.delete(DEPLOYMENTS, "default", "web", Deletion.propagation("Background"));
    assertThat(exists(DEPLOYMENTS, "web")).isFalse();
    settle();
    assertThat(exists(REPLICASETS, "web-abc")).isFalse();
    assertThat(exists(PODS, "web-abc-1")).isFalse();
    assertThat(exists(PODS, "web-abc-2")).isFalse();
    assertThat(dynamic.log()).contains("delete replicasets default/web-abc Background");
    assertThat(d).isNotNull();
  }

  @Test
  void foregroundDeletionRemovesDependentsFirstAndTheOwnerLast() {
    tree();
    dynamic.delete(DEPLOYMENTS, "default", "web", Deletion.propagation("Foreground"));
    assertThat(dynamic.get(DEPLOYMENTS, "default", "web").getMetadata().getFinalizers())
        .contains("foregroundDeletion");
    settle();
    assertThat(exists(DEPLOYMENTS, "web")).isFalse();
    assertThat(exists(REPLICASETS, "web-abc")).isFalse();
    assertThat(exists(PODS, "web-abc-1")).isFalse();
    List<String> log = dynamic.log();
    int rsDelete = log.indexOf("delete replicasets default/web-abc Foreground");
    int pod1 = indexOfPrefix(log, "delete pods default/web-abc-1");
    int rsFinalizer = indexOfPrefix(log, "patch replicasets default/web-abc");
    int dFinalizer = indexOfPrefix(log, "patch deployments default/web");
    assertThat(rsDelete).isNotNegative();
    assertThat(pod1).isGreaterThan(rsDelete);
    assertThat(rsFinalizer).isGreaterThan(pod1);
    assertThat(dFinalizer).isGreaterThan(rsFinalizer);
  }

  private static int indexOfPrefix(List<String> log, String prefix) {
    for (int i = 0; i < log.size(); i++) {
      if (log.get(i).startsWith(prefix)) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void orphanDeletionLeavesDependentsWithoutTheReference() {
    tree();
    dynamic.delete(DEPLOYMENTS, "default", "web", Deletion.propagation("Orphan"));
    settle();
    assertThat(exists(DEPLOYMENTS, "web")).isFalse();
    GenericKubernetesResource rs = dynamic.get(REPLICASETS, "default", "web-abc");
    assertThat(rs).isNotNull();
    assertThat(rs.getMetadata().getOwnerReferences()).isEmpty();
    assertThat(exists(PODS, "web-abc-1")).isTrue();
    assertThat(dynamic.get(PODS, "default", "web-abc-1").getMetadata().getOwnerReferences())
        .hasSize(1);
  }

  @Test
  void anObjectWhoseOwnerNeverExistedIsCollected() {
    OwnerReference ghost =
        new OwnerReferenceBuilder()
            .withApiVersion("apps/v1")
            .withKind("ReplicaSet")
            .withName("ghost")
            .withUid("uid-ghost")
            .build();
    create(PODS, "orphaned", ghost);
    settle();
    assertThat(exists(PODS, "orphaned")).isFalse();
  }

  @Test
  void anObjectWithAnotherLiveOwnerOnlyLosesTheReferenceToTheGoneOne() {
    GenericKubernetesResource a = create(REPLICASETS, "a");
    GenericKubernetesResource b = create(REPLICASETS, "b");
    create(PODS, "shared", ref(a, false), ref(b, false));
    settle();
    dynamic.delete(REPLICASETS, "default", "a", Deletion.DEFAULT);
    settle();
    GenericKubernetesResource pod = dynamic.get(PODS, "default", "shared");
    assertThat(pod).isNotNull();
    assertThat(pod.getMetadata().getOwnerReferences())
        .extracting(OwnerReference::getName)
        .containsExactly("b");
  }

  @Test
  void aClusterScopedOwnerIsFoundWhateverTheDependentsNamespace() {
    GenericKubernetesResource node = create(NODES, "n1");
    create(PODS, "on-node", ref(node, false));
    settle();
    assertThat(exists(PODS, "on-node")).isTrue();
    dynamic.delete(NODES, null, "n1", Deletion.DEFAULT);
    settle();
    assertThat(exists(PODS, "on-node")).isFalse();
  }
}
