package io.k8j.scheduler;

import static io.k8j.scheduler.TestObjects.node;
import static io.k8j.scheduler.TestObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.k8j.testing.cluster.TestApiServer;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The scheduler against a real API server, with nodes as objects only (no kubelet). */
class SchedulerIT {
  private static TestApiServer api;
  private KubernetesClient client;
  private Scheduler scheduler;

  @BeforeAll
  static void startApiServer() {
    api = TestApiServer.start();
  }

  @AfterAll
  static void stopApiServer() {
    api.close();
  }

  @BeforeEach
  void startScheduler() {
    client = api.client();
    client.pods().inAnyNamespace().withGracePeriod(0).delete();
    client.nodes().delete();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> client.pods().inAnyNamespace().list().getItems().isEmpty());
    scheduler = new Scheduler(client, SchedulerOptions.defaults().withLeaderElect(false));
    scheduler.start();
  }

  @AfterEach
  void stopScheduler() {
    scheduler.close();
  }

  private void create(Node n) {
    client.nodes().resource(n).create();
  }

  private Pod create(Pod p) {
    p.getMetadata().setUid(null);
    return client.pods().inNamespace(p.getMetadata().getNamespace()).resource(p).create();
  }

  private String nodeOf(String name) {
    Pod p = client.pods().inNamespace("default").withName(name).get();
    return p == null || p.getSpec().getNodeName() == null ? "" : p.getSpec().getNodeName();
  }

  private String awaitBound(String name) {
    await().atMost(Duration.ofSeconds(60)).until(() -> !nodeOf(name).isEmpty());
    return nodeOf(name);
  }

  @Test
  void bindsPodsAndRecordsScheduledEvents() {
    create(node("n1").build());
    create(node("n2").build());
    for (int i = 0; i < 6; i++) {
      create(pod("p" + i).cpu("100m").build());
    }
    for (int i = 0; i < 6; i++) {
      assertThat(awaitBound("p" + i)).isIn("n1", "n2");
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(eventsOf("p0"))
                    .anyMatch(
                        e ->
                            e.getReason().equals("Scheduled")
                                && e.getMessage()
                                    .matches("Successfully assigned default/p0 to n[12]")));
    Pod p0 = client.pods().inNamespace("default").withName("p0").get();
    assertThat(p0.getStatus().getConditions())
        .anyMatch(c -> c.getType().equals("PodScheduled") && c.getStatus().equals("True"));
  }

  @Test
  void podAntiAffinitySpreadsPodsOverNodes() {
    for (int i = 0; i < 4; i++) {
      create(node("n" + i).build());
    }
    for (int i = 0; i < 4; i++) {
      create(
          pod("web" + i)
              .label("app", "web")
              .antiAffinity("app", "web", "kubernetes.io/hostname")
              .build());
    }
    Set<String> nodes = new HashSet<>();
    for (int i = 0; i < 4; i++) {
      nodes.add(awaitBound("web" + i));
    }
    assertThat(nodes).hasSize(4);
    create(
        pod("web4")
            .label("app", "web")
            .antiAffinity("app", "web", "kubernetes.io/hostname")
            .build());
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(eventsOf("web4"))
                    .anyMatch(
                        e ->
                            e.getReason().equals("FailedScheduling")
                                && e.getMessage()
                                    .startsWith(
                                        "0/4 nodes are available: 4 node(s) didn't match pod anti-affinity rules.")));
    assertThat(nodeOf("web4")).isEmpty();
  }

  @Test
  void taintedNodesAreAvoidedUnlessTolerated() {
    create(node("tainted").taint("dedicated", "gpu", "NoSchedule").build());
    create(node("plain").build());
    for (int i = 0; i < 4; i++) {
      create(pod("t" + i).build());
    }
    for (int i = 0; i < 4; i++) {
      assertThat(awaitBound("t" + i)).isEqualTo("plain");
    }
    create(
        pod("gpu")
            .tolerate("dedicated", "gpu", "NoSchedule")
            .nodeSelector("kubernetes.io/hostname", "tainted")
            .build());
    assertThat(awaitBound("gpu")).isEqualTo("tainted");
  }

  @Test
  void unschedulablePodGetsEventAndConditionThenFitsWhenANodeAppears() {
    create(node("small-1").cpu("1").taint("key", "value", "NoSchedule").build());
    create(node("small-2").cpu("1").build());
    create(node("small-3").cpu("1").taint("key", "value", "NoSchedule").build());
    create(pod("big").cpu("2").build());
    String expected =
        "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {key: value}."
            + " preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              Pod p = client.pods().inNamespace("default").withName("big").get();
              PodCondition c =
                  p.getStatus().getConditions().stream()
                      .filter(x -> x.getType().equals("PodScheduled"))
                      .findFirst()
                      .orElseThrow(() -> new AssertionError("no PodScheduled condition yet"));
              assertThat(c.getStatus()).isEqualTo("False");
              assertThat(c.getReason()).isEqualTo("Unschedulable");
              assertThat(c.getMessage()).isEqualTo(expected);
            });
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(eventsOf("big"))
                    .anyMatch(
                        e ->
                            e.getReason().equals("FailedScheduling")
                                && e.getType().equals("Warning")
                                && e.getMessage().equals(expected)));
    long t0 = System.nanoTime();
    create(node("large").cpu("8").build());
    assertThat(awaitBound("big")).isEqualTo("large");
    // Moved by the NodeAdd event, not by the 5-minute flush.
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
  }

  private void priorityClass(String name, int value, String preemptionPolicy) {
    client
        .resource(
            new PriorityClassBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withValue(value)
                .withPreemptionPolicy(preemptionPolicy)
                .build())
        .createOr(NonDeletingOperation::update);
  }

  @Test
  void aPodOfAHigherPriorityClassPreemptsALowerOne() {
    priorityClass("low-priority", 10, "PreemptLowerPriority");
    priorityClass("high-priority", 1000, "PreemptLowerPriority");
    create(node("only").cpu("2").build());
    create(pod("low").cpu("1500m").priorityClass("low-priority").build());
    assertThat(awaitBound("low")).isEqualTo("only");
    Pod created = create(pod("high").cpu("1500m").priorityClass("high-priority").build());
    assertThat(created.getSpec().getPriority()).isEqualTo(1000);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              Pod high = client.pods().inNamespace("default").withName("high").get();
              assertThat(high.getStatus().getNominatedNodeName()).isEqualTo("only");
              Pod low = client.pods().inNamespace("default").withName("low").get();
              assertThat(low == null || low.getMetadata().getDeletionTimestamp() != null).isTrue();
            });
    Pod low = client.pods().inNamespace("default").withName("low").get();
    if (low != null) {
      assertThat(low.getStatus().getConditions())
          .anyMatch(
              c ->
                  c.getType().equals("DisruptionTarget")
                      && c.getReason().equals("PreemptionByScheduler"));
      // No kubelet: finish the graceful deletion as the kubelet would.
      client.pods().inNamespace("default").withName("low").withGracePeriod(0).delete();
    }
    assertThat(awaitBound("high")).isEqualTo("only");
    assertThat(eventsOf("low")).anyMatch(e -> e.getReason().equals("Preempted"));
  }

  @Test
  void aPodOfANeverPreemptingClassWaitsInsteadOfPreempting() {
    priorityClass("low-priority", 10, "PreemptLowerPriority");
    priorityClass("polite", 1000, "Never");
    create(node("only").cpu("2").build());
    create(pod("low").cpu("1500m").priorityClass("low-priority").build());
    assertThat(awaitBound("low")).isEqualTo("only");
    create(pod("polite").cpu("1500m").priorityClass("polite").build());
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(eventsOf("polite"))
                    .anyMatch(e -> e.getReason().equals("FailedScheduling")));
    Pod low = client.pods().inNamespace("default").withName("low").get();
    assertThat(low.getMetadata().getDeletionTimestamp()).isNull();
    assertThat(
            client
                .pods()
                .inNamespace("default")
                .withName("polite")
                .get()
                .getSpec()
                .getPreemptionPolicy())
        .isEqualTo("Never");
  }

  @Test
  void podsOfOtherSchedulersAreLeftAlone() {
    create(node("n1").build());
    create(pod("mine").build());
    create(pod("theirs").schedulerName("other-scheduler").build());
    assertThat(awaitBound("mine")).isEqualTo("n1");
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(60))
        .until(() -> nodeOf("theirs").isEmpty());
    assertThat(eventsOf("theirs")).isEmpty();
  }

  @Test
  void waitingClaimsBindToALocalVolumeOnTheChosenNode() {
    create(node("with-disk").build());
    create(node("without-disk").build());
    client
        .storage()
        .v1()
        .storageClasses()
        .resource(
            new io.fabric8.kubernetes.api.model.storage.StorageClassBuilder()
                .withNewMetadata()
                .withName("local")
                .endMetadata()
                .withProvisioner("kubernetes.io/no-provisioner")
                .withVolumeBindingMode("WaitForFirstConsumer")
                .build())
        .createOr(r -> r.update());
    client
        .persistentVolumes()
        .resource(
            new io.fabric8.kubernetes.api.model.PersistentVolumeBuilder()
                .withNewMetadata()
                .withName("disk-1")
                .endMetadata()
                .withNewSpec()
                .withCapacity(
                    java.util.Map.of(
                        "storage", new io.fabric8.kubernetes.api.model.Quantity("10Gi")))
                .withAccessModes("ReadWriteOnce")
                .withStorageClassName("local")
                .withNewLocal()
                .withPath("/mnt/disk-1")
                .endLocal()
                .withNewNodeAffinity()
                .withNewRequired()
                .addNewNodeSelectorTerm()
                .addNewMatchExpression()
                .withKey("kubernetes.io/hostname")
                .withOperator("In")
                .withValues("with-disk")
                .endMatchExpression()
                .endNodeSelectorTerm()
                .endRequired()
                .endNodeAffinity()
                .endSpec()
                .build())
        .create();
    client
        .persistentVolumeClaims()
        .inNamespace("default")
        .resource(
            new io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName("data")
                .endMetadata()
                .withNewSpec()
                .withStorageClassName("local")
                .withAccessModes("ReadWriteOnce")
                .withNewResources()
                .withRequests(
                    java.util.Map.of(
                        "storage", new io.fabric8.kubernetes.api.model.Quantity("1Gi")))
                .endResources()
                .endSpec()
                .build())
        .create();
    Pod p = pod("db").build();
    p.getSpec()
        .setVolumes(
            List.of(
                new io.fabric8.kubernetes.api.model.VolumeBuilder()
                    .withName("data")
                    .withNewPersistentVolumeClaim()
                    .withClaimName("data")
                    .endPersistentVolumeClaim()
                    .build()));
    create(p);
    assertThat(awaitBound("db")).isEqualTo("with-disk");
    assertThat(
            client
                .persistentVolumeClaims()
                .inNamespace("default")
                .withName("data")
                .get()
                .getSpec()
                .getVolumeName())
        .isEqualTo("disk-1");
    assertThat(
            client.persistentVolumes().withName("disk-1").get().getSpec().getClaimRef().getName())
        .isEqualTo("data");
    client.persistentVolumeClaims().inNamespace("default").withName("data").delete();
    client.persistentVolumes().withName("disk-1").delete();
  }

  private List<Event> eventsOf(String pod) {
    return client.v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> pod.equals(e.getInvolvedObject().getName()))
        .toList();
  }
}
