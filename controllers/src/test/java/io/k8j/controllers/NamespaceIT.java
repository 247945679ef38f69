package io.k8j.controllers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Deleting a namespace empties it and then removes it. */
class NamespaceIT {
  static ControllersCluster cluster;
  static KubernetesClient client;

  @BeforeAll
  static void start() {
    cluster =
        ControllersCluster.start(
            "deployment-controller",
            "replicaset-controller",
            "garbage-collector-controller",
            "namespace-controller");
    client = cluster.client();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void deletingANamespaceDeletesEverythingInItThenTheNamespace() throws Exception {
    client
        .resource(new NamespaceBuilder().withNewMetadata().withName("team").endMetadata().build())
        .create();
    var d = DeploymentIT.deployment("web", 2, "app:v1", "25%", "25%");
    d.getMetadata().setNamespace("team");
    client.resource(d).create();
    client
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withNamespace("team")
                .withName("settings")
                .endMetadata()
                .addToData("k", "v")
                .build())
        .create();
    client
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withNamespace("team")
                .withName("web")
                .endMetadata()
                .withNewSpec()
                .addToSelector("app", "web")
                .addNewPort()
                .withPort(80)
                .endPort()
                .endSpec()
                .build())
        .create();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> client.pods().inNamespace("team").list().getItems().size() == 2);
    client
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withNamespace("default")
                .withName("elsewhere")
                .endMetadata()
                .build())
        .create();

    Kubectl.run(cluster.api(), "delete", "namespace", "team", "--timeout=60s");

    assertThat(client.namespaces().withName("team").get()).isNull();
    assertThat(client.pods().inNamespace("team").list().getItems()).isEmpty();
    assertThat(client.apps().replicaSets().inNamespace("team").list().getItems()).isEmpty();
    assertThat(client.apps().deployments().inNamespace("team").list().getItems()).isEmpty();
    assertThat(client.configMaps().inNamespace("team").list().getItems()).isEmpty();
    assertThat(client.services().inNamespace("team").list().getItems()).isEmpty();
    assertThat(client.configMaps().inNamespace("default").withName("elsewhere").get()).isNotNull();
  }

  @Test
  void contentHeldByAFinalizerKeepsTheNamespaceTerminatingAndIsReported() {
    client
        .resource(new NamespaceBuilder().withNewMetadata().withName("held").endMetadata().build())
        .create();
    client
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withNamespace("held")
                .withName("stuck")
                .withFinalizers("example.com/hold")
                .endMetadata()
                .build())
        .create();
    client.namespaces().withName("held").delete();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              Namespace ns = client.namespaces().withName("held").get();
              assertThat(ns.getStatus().getPhase()).isEqualTo("Terminating");
              assertThat(ns.getStatus().getConditions())
                  .anySatisfy(
                      c -> {
                        assertThat(c.getType()).isEqualTo("NamespaceFinalizersRemaining");
                        assertThat(c.getStatus()).isEqualTo("True");
                        assertThat(c.getMessage())
                            .contains("example.com/hold in 1 resource instances");
                      });
            });
    client
        .configMaps()
        .inNamespace("held")
        .withName("stuck")
        .edit(
            cm -> {
              cm.getMetadata().setFinalizers(null);
              return cm;
            });
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> client.namespaces().withName("held").get() == null);
  }
}
