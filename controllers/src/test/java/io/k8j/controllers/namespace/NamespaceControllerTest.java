package io.k8j.controllers.namespace;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceCondition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.k8j.client.ApiResource;
import io.k8j.client.fake.FakeDynamicClient;
import io.k8j.client.fake.FakeInformers;
import io.k8j.client.fake.RecordingWriter;
import io.k8j.common.FakeClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class NamespaceControllerTest {
  static final List<String> ALL_VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");
  static final ApiResource CONFIGMAPS =
      new ApiResource("", "v1", "ConfigMap", "configmaps", true, ALL_VERBS);
  static final ApiResource PODS =
      new ApiResource(
          "", "v1", "Pod", "pods", true, List.of("create", "delete", "get", "list", "watch"));
  static final ApiResource NODES = new ApiResource("", "v1", "Node", "nodes", false, ALL_VERBS);

  final FakeClock clock = new FakeClock();
  final FakeInformers informers = new FakeInformers();
  final RecordingWriter writer = new RecordingWriter(informers, clock);
  final FakeDynamicClient dynamic =
      new FakeDynamicClient(informers, clock, List.of(CONFIGMAPS, PODS, NODES));
  final NamespaceController controller =
      new NamespaceController(informers, writer, writer, dynamic, clock, Duration.ofMinutes(5));

  Namespace namespace(String name, boolean deleting) {
    Namespace ns =
        new NamespaceBuilder()
            .withNewMetadata()
            .withName(name)
            .withUid("uid-" + name)
            .withResourceVersion("1")
            .endMetadata()
            .withNewSpec()
            .withFinalizers("kubernetes")
            .endSpec()
            .withNewStatus()
            .withPhase(deleting ? "Terminating" : "Active")
            .endStatus()
            .build();
    if (deleting) {
      ns.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z");
    }
    informers.forType(Namespace.class).add(ns);
    return ns;
  }

  void object(ApiResource r, String ns, String name, String... finalizers) {
    GenericKubernetesResource o = new GenericKubernetesResource();
    o.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(ns)
            .withName(name)
            .withFinalizers(finalizers)
            .build());
    dynamic.create(r, o);
  }

  NamespaceCondition condition(String ns, String type) {
    return informers.forType(Namespace.class).get(null, ns).getStatus().getConditions().stream()
        .filter(c -> c.getType().equals(type))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aDeletedNamespaceIsEmptiedOfEveryKindThenFinalized() {
    namespace("team", true);
    namespace("other", false);
    object(CONFIGMAPS, "team", "a");
    object(CONFIGMAPS, "team", "b");
    object(PODS, "team", "p");
    object(CONFIGMAPS, "other", "keep");
    assertThat(controller.queue().length())
        .as("only namespaces being deleted are queued")
        .isEqualTo(1);
    controller.sync("team");
    assertThat(dynamic.list(CONFIGMAPS, "team")).isEmpty();
    assertThat(dynamic.list(PODS, "team")).isEmpty();
    assertThat(dynamic.list(CONFIGMAPS, "other")).hasSize(1);
    assertThat(dynamic.log()).contains("delete pods team/p Background");
    assertThat(writer.log()).contains("update/finalize Namespace team");
    assertThat(informers.forType(Namespace.class).get(null, "team"))
        .as("gone once finalized")
        .isNull();
  }

  @Test
  void contentHeldByFinalizersIsReportedAndWaitedFor() {
    namespace("team", true);
    object(CONFIGMAPS, "team", "held", "example.com/hold");
    controller.sync("team");
    assertThat(writer.log()).doesNotContain("update/finalize Namespace team");
    NamespaceCondition remaining = condition("team", "NamespaceContentRemaining");
    assertThat(remaining.getStatus()).isEqualTo("True");
    assertThat(remaining.getReason()).isEqualTo("SomeResourcesRemain");
    assertThat(remaining.getMessage())
        .isEqualTo("Some resources are remaining: configmaps. has 1 resource instances");
    NamespaceCondition finalizers = condition("team", "NamespaceFinalizersRemaining");
    assertThat(finalizers.getMessage())
        .isEqualTo(
            "Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances");
    assertThat(condition("team", "NamespaceDeletionContentFailure").getStatus()).isEqualTo("False");
    clock.advance(Duration.ofSeconds(8));
    assertThat(controller.queue().length())
        .as("looked at again after half the estimate")
        .isPositive();
    dynamic.patch(CONFIGMAPS, "team", "held", "{\"metadata\":{\"finalizers\":null}}");
    controller.sync("team");
    assertThat(informers.forType(Namespace.class).get(null, "team")).isNull();
  }

  @Test
  void aNamespaceNotBeingDeletedIsLeftAlone() {
    namespace("live", false);
    object(CONFIGMAPS, "live", "a");
    controller.sync("live");
    assertThat(dynamic.list(CONFIGMAPS, "live")).hasSize(1);
    assertThat(writer.log()).isEmpty();
  }
}
