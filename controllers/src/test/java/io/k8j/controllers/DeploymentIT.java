package io.k8j.controllers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.k8j.controllers.shared.PodStatuses;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Deployments against a real API server, with the test standing in for kubelets. */
class DeploymentIT {
  static ControllersCluster cluster;
  static KubernetesClient client;

  @BeforeAll
  static void start() {
    cluster = ControllersCluster.start("deployment-controller", "replicaset-controller");
    client = cluster.client();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  static Deployment deployment(
      String name, int replicas, String image, String surge, String unavailable) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .withAnnotations(Map.of("kubernetes.io/change-cause", "deploy " + image))
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withNewSelector()
        .withMatchLabels(Map.of("app", name))
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(Map.of("app", name))
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .withImage(image)
        .endContainer()
        .endSpec()
        .endTemplate()
        .withNewStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withMaxSurge(intOrPercent(surge))
        .withMaxUnavailable(intOrPercent(unavailable))
        .endRollingUpdate()
        .endStrategy()
        .endSpec()
        .build();
  }

  static IntOrString intOrPercent(String v) {
    return v.endsWith("%") ? new IntOrString(v) : new IntOrString(Integer.parseInt(v));
  }

  static String kubectl(String... args) throws IOException, InterruptedException {
    return Kubectl.run(cluster.api(), args);
  }

  private static List<Pod> readyPods(String app) {
    return client.pods().inNamespace("default").withLabel("app", app).list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null && PodStatuses.isReady(p))
        .toList();
  }

  @Test
  void aRollingUpdateStaysWithinSurgeAndUnavailabilityAndRollsBack() throws Exception {
    int replicas = 4;
    try (PodReadiness kubelets = new PodReadiness(client, "default", Duration.ofMillis(300))) {
      client.resource(deployment("web", replicas, "app:v1", "1", "1")).create();
      kubectl("rollout", "status", "deployment/web", "--timeout=90s");
      assertThat(readyPods("web")).hasSize(replicas);

      List<String> violations = new CopyOnWriteArrayList<>();
      SharedIndexInformer<ReplicaSet> rsWatch =
          client
              .apps()
              .replicaSets()
              .inNamespace("default")
              .inform(
                  new ResourceEventHandler<ReplicaSet>() {
                    void check() {
                      int total = 0;
                      for (ReplicaSet rs :
                          client
                              .apps()
                              .replicaSets()
                              .inNamespace("default")
                              .withLabel("app", "web")
                              .list()
                              .getItems()) {
                        total += rs.getSpec().getReplicas();
                      }
                      if (total > replicas + 1) {
                        violations.add("ReplicaSets want " + total + " pods");
                      }
                    }

                    @Override
                    public void onAdd(ReplicaSet rs) {
                      check();
                    }

                    @Override
                    public void onUpdate(ReplicaSet o, ReplicaSet n) {
                      check();
                    }

                    @Override
                    public void onDelete(ReplicaSet rs, boolean u) {}
                  });
      SharedIndexInformer<Pod> podWatch =
          client
              .pods()
              .inNamespace("default")
              .inform(
                  new ResourceEventHandler<Pod>() {
                    void check() {
                      int ready = readyPods("web").size();
                      if (ready < replicas - 1) {
                        violations.add("only " + ready + " ready pods");
                      }
                    }

                    @Override
                    public void onAdd(Pod p) {
                      check();
                    }

                    @Override
                    public void onUpdate(Pod o, Pod n) {
                      check();
                    }

                    @Override
                    public void onDelete(Pod p, boolean u) {
                      check();
                    }
                  });
      try {
        client
            .apps()
            .deployments()
            .inNamespace("default")
            .withName("web")
            .edit(
                d -> {
                  d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("app:v2");
                  d.getMetadata()
                      .getAnnotations()
                      .put("kubernetes.io/change-cause", "deploy app:v2");
                  return d;
                });
        kubectl("rollout", "status", "deployment/web", "--timeout=90s");
      } finally {
        rsWatch.close();
        podWatch.close();
      }
      assertThat(violations).isEmpty();
      List<Pod> ready = readyPods("web");
      assertThat(ready).hasSize(replicas);
      assertThat(ready)
          .allSatisfy(
              p -> assertThat(p.getSpec().getContainers().get(0).getImage()).isEqualTo("app:v2"));
      Deployment d = client.apps().deployments().inNamespace("default").withName("web").get();
      assertThat(d.getMetadata().getAnnotations())
          .containsEntry("deployment.kubernetes.io/revision", "2");
      assertThat(d.getStatus().getObservedGeneration()).isEqualTo(d.getMetadata().getGeneration());
      assertThat(kubectl("rollout", "history", "deployment/web"))
          .contains("deploy app:v1", "deploy app:v2");

      kubectl("rollout", "undo", "deployment/web");
      kubectl("rollout", "status", "deployment/web", "--timeout=90s");
      d = client.apps().deployments().inNamespace("default").withName("web").get();
      assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
          .isEqualTo("app:v1");
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () ->
                  assertThat(
                          client
                              .apps()
                              .deployments()
                              .inNamespace("default")
                              .withName("web")
                              .get()
                              .getMetadata()
                              .getAnnotations())
                      .containsEntry("deployment.kubernetes.io/revision", "3"));
      List<ReplicaSet> rss =
          client
              .apps()
              .replicaSets()
              .inNamespace("default")
              .withLabel("app", "web")
              .list()
              .getItems();
      assertThat(rss).hasSize(2);
      ReplicaSet v1 =
          rss.stream()
              .filter(
                  rs ->
                      rs.getSpec()
                          .getTemplate()
                          .getSpec()
                          .getContainers()
                          .get(0)
                          .getImage()
                          .equals("app:v1"))
              .findFirst()
              .orElseThrow();
      assertThat(v1.getMetadata().getAnnotations())
          .containsEntry("deployment.kubernetes.io/revision", "3")
          .containsEntry("deployment.kubernetes.io/revision-history", "1");
      assertThat(v1.getSpec().getReplicas()).isEqualTo(replicas);
      assertThat(readyPods("web"))
          .hasSize(replicas)
          .allSatisfy(
              p -> assertThat(p.getSpec().getContainers().get(0).getImage()).isEqualTo("app:v1"));
      assertThat(client.v1().events().inNamespace("default").list().getItems())
          .extracting(e -> e.getReason())
          .contains("ScalingReplicaSet", "SuccessfulCreate", "SuccessfulDelete");
    }
  }

  @Test
  void aRolloutThatCannotProgressIsReportedPastItsDeadline() throws Exception {
    try (PodReadiness kubelets = new PodReadiness(client, "default", Duration.ofMillis(100))) {
      kubelets.pause(true);
      Deployment d = deployment("stuck", 2, "app:v1", "25%", "25%");
      d.getSpec().setProgressDeadlineSeconds(3);
      client.resource(d).create();
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                Deployment cur =
                    client.apps().deployments().inNamespace("default").withName("stuck").get();
                assertThat(cur.getStatus()).isNotNull();
                assertThat(cur.getStatus().getConditions())
                    .anySatisfy(
                        c -> {
                          assertThat(c.getType()).isEqualTo("Progressing");
                          assertThat(c.getReason()).isEqualTo("ProgressDeadlineExceeded");
                        });
              });
      kubelets.pause(false);
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () ->
                  assertThat(
                          client
                              .apps()
                              .deployments()
                              .inNamespace("default")
                              .withName("stuck")
                              .get()
                              .getStatus()
                              .getConditions())
                      .anySatisfy(
                          c -> {
                            assertThat(c.getType()).isEqualTo("Progressing");
                            assertThat(c.getReason()).isEqualTo("NewReplicaSetAvailable");
                          }));
      kubectl("rollout", "status", "deployment/stuck", "--timeout=60s");
    }
  }

  @Test
  void kubectlPausesResumesAndScalesADeployment() throws Exception {
    try (PodReadiness kubelets = new PodReadiness(client, "default", Duration.ofMillis(100))) {
      client.resource(deployment("paused", 2, "app:v1", "25%", "25%")).create();
      kubectl("rollout", "status", "deployment/paused", "--timeout=60s");
      kubectl("rollout", "pause", "deployment/paused");
      kubectl("set", "image", "deployment/paused", "app=app:v2");
      Thread.sleep(1000);
      assertThat(
              client
                  .apps()
                  .replicaSets()
                  .inNamespace("default")
                  .withLabel("app", "paused")
                  .list()
                  .getItems())
          .as("no rollout while paused")
          .hasSize(1);
      kubectl("rollout", "resume", "deployment/paused");
      kubectl("rollout", "status", "deployment/paused", "--timeout=60s");
      assertThat(readyPods("paused"))
          .hasSize(2)
          .allSatisfy(
              p -> assertThat(p.getSpec().getContainers().get(0).getImage()).isEqualTo("app:v2"));
      kubectl("scale", "deployment/paused", "--replicas=4");
      kubectl("rollout", "status", "deployment/paused", "--timeout=60s");
      assertThat(readyPods("paused")).hasSize(4);
    }
  }
}
