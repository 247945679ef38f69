package io.k8j.controllers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Deleting a Deployment in each propagation mode leaves exactly what upstream would. */
class GarbageCollectorIT {
  static ControllersCluster cluster;
  static KubernetesClient client;

  @BeforeAll
  static void start() {
    cluster =
        ControllersCluster.start(
            "deployment-controller", "replicaset-controller", "garbage-collector-controller");
    client = cluster.client();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  private static List<ReplicaSet> replicaSets(String app) {
    return client
        .apps()
        .replicaSets()
        .inNamespace("default")
        .withLabel("app", app)
        .list()
        .getItems();
  }

  private static List<Pod> pods(String app) {
    return client.pods().inNamespace("default").withLabel("app", app).list().getItems();
  }

  private static Deployment deployed(String name) {
    client.resource(DeploymentIT.deployment(name, 2, "app:v1", "25%", "25%")).create();
    await().atMost(Duration.ofSeconds(60)).until(() -> pods(name).size() == 2);
    return client.apps().deployments().inNamespace("default").withName(name).get();
  }

  @Test
  void backgroundDeletesTheDeploymentAtOnceThenItsReplicaSetsAndPods() {
    deployed("bg");
    client
        .apps()
        .deployments()
        .inNamespace("default")
        .withName("bg")
        .withPropagationPolicy(DeletionPropagation.BACKGROUND)
        .delete();
    assertThat(client.apps().deployments().inNamespace("default").withName("bg").get()).isNull();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> replicaSets("bg").isEmpty() && pods("bg").isEmpty());
  }

  @Test
  void foregroundKeepsTheDeploymentUntilItsDependentsAreGone() {
    deployed("fg");
    client
        .apps()
        .deployments()
        .inNamespace("default")
        .withName("fg")
        .withPropagationPolicy(DeletionPropagation.FOREGROUND)
        .delete();
    Deployment marked = client.apps().deployments().inNamespace("default").withName("fg").get();
    if (marked != null) {
      assertThat(marked.getMetadata().getDeletionTimestamp()).isNotNull();
      assertThat(marked.getMetadata().getFinalizers()).contains("foregroundDeletion");
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(20))
        .untilAsserted(
            () -> {
              boolean deploymentGone =
                  client.apps().deployments().inNamespace("default").withName("fg").get() == null;
              boolean dependentsGone = replicaSets("fg").isEmpty() && pods("fg").isEmpty();
              assertThat(!deploymentGone || dependentsGone)
                  .as("the owner outlives its dependents")
                  .isTrue();
              assertThat(deploymentGone).isTrue();
            });
    assertThat(replicaSets("fg")).isEmpty();
    assertThat(pods("fg")).isEmpty();
  }

  @Test
  void orphanDeletesOnlyTheDeploymentAndLeavesItsReplicaSetUnowned() throws Exception {
    deployed("orph");
    client
        .apps()
        .deployments()
        .inNamespace("default")
        .withName("orph")
        .withPropagationPolicy(DeletionPropagation.ORPHAN)
        .delete();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                client.apps().deployments().inNamespace("default").withName("orph").get() == null);
    Thread.sleep(1000);
    List<ReplicaSet> rss = replicaSets("orph");
    assertThat(rss).hasSize(1);
    assertThat(rss.get(0).getMetadata().getOwnerReferences()).isEmpty();
    List<Pod> pods = pods("orph");
    assertThat(pods).hasSize(2);
    assertThat(pods)
        .allSatisfy(
            p ->
                assertThat(p.getMetadata().getOwnerReferences())
                    .singleElement()
                    .satisfies(
                        r -> assertThat(r.getUid()).isEqualTo(rss.get(0).getMetadata().getUid())));
  }

  @Test
  void kubectlDeleteCascadesInTheBackgroundByDefault() throws Exception {
    deployed("kubectl");
    Kubectl.run(cluster.api(), "delete", "deployment", "kubectl");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> replicaSets("kubectl").isEmpty() && pods("kubectl").isEmpty());
  }
}
