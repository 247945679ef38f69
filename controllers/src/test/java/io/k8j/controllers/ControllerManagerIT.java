package io.k8j.controllers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.k8j.testing.cluster.TestApiServer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Several controller managers: one leads and runs every controller; another takes over. */
class ControllerManagerIT {
  static TestApiServer api;
  static KubernetesClient client;

  @BeforeAll
  static void start() {
    api = TestApiServer.start();
    client = api.client();
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  static ControllerManager manager(String identity) {
    return new ControllerManager(
        api.client(),
        ControllerManagerOptions.defaults().toBuilder()
            .identity(identity)
            .leaseDuration(Duration.ofSeconds(20))
            .renewDeadline(Duration.ofSeconds(15))
            .retryPeriod(Duration.ofMillis(500))
            .build());
  }

  @Test
  void exactlyOneOfSeveralLeadsAndAnotherTakesOverWhenItGoes() {
    List<ControllerManager> managers =
        new ArrayList<>(List.of(manager("cm-a"), manager("cm-b"), manager("cm-c")));
    managers.forEach(ControllerManager::start);
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> managers.stream().filter(ControllerManager::isLeading).count() == 1);
      ControllerManager leader =
          managers.stream().filter(ControllerManager::isLeading).findFirst().orElseThrow();
      for (int i = 0; i < 10; i++) {
        assertThat(managers.stream().filter(ControllerManager::isLeading).count()).isEqualTo(1);
        sleep(200);
      }
      assertThat(
              client
                  .leases()
                  .inNamespace("kube-system")
                  .withName("kube-controller-manager")
                  .get()
                  .getSpec()
                  .getHolderIdentity())
          .isIn("cm-a", "cm-b", "cm-c");

      client
          .resource(
              new NamespaceBuilder().withNewMetadata().withName("fresh").endMetadata().build())
          .create();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  client.serviceAccounts().inNamespace("fresh").withName("default").get() != null);

      leader.close();
      managers.remove(leader);
      assertThat(leader.isLeading()).isFalse();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> managers.stream().filter(ControllerManager::isLeading).count() == 1);

      client
          .resource(
              new NamespaceBuilder().withNewMetadata().withName("later").endMetadata().build())
          .create();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  client.serviceAccounts().inNamespace("later").withName("default").get() != null);

      Job job =
          client
              .resource(
                  new JobBuilder()
                      .withNewMetadata()
                      .withNamespace("default")
                      .withName("short")
                      .endMetadata()
                      .withNewSpec()
                      .withTtlSecondsAfterFinished(1)
                      .withNewTemplate()
                      .withNewSpec()
                      .withRestartPolicy("Never")
                      .addNewContainer()
                      .withName("c")
                      .withImage("busybox")
                      .endContainer()
                      .endSpec()
                      .endTemplate()
                      .endSpec()
                      .build())
              .create();
      String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
      client
          .batch()
          .v1()
          .jobs()
          .inNamespace("default")
          .withName("short")
          .editStatus(
              j -> {
                if (j.getStatus() == null) {
                  j.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.JobStatus());
                }
                j.getStatus()
                    .setConditions(
                        new ArrayList<>(
                            List.of(
                                new JobConditionBuilder()
                                    .withType("SuccessCriteriaMet")
                                    .withStatus("True")
                                    .withLastTransitionTime(now)
                                    .build(),
                                new JobConditionBuilder()
                                    .withType("Complete")
                                    .withStatus("True")
                                    .withLastTransitionTime(now)
                                    .build())));
                j.getStatus().setStartTime(now);
                j.getStatus().setCompletionTime(now);
                return j;
              });
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  client.batch().v1().jobs().inNamespace("default").withName("short").get()
                      == null);
      assertThat(job).isNotNull();
    } finally {
      managers.forEach(ControllerManager::close);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
