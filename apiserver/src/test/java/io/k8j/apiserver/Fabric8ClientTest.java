package io.k8j.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The fabric8 client, which every k8j component uses, lists, watches and writes against us. */
class Fabric8ClientTest {
  static TestApiServer server;
  static KubernetesClient client;

  @BeforeAll
  static void start() throws Exception {
    server = TestApiServer.start();
    client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(Files.readString(server.kubeconfig())))
            .build();
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    server.close();
  }

  @Test
  void anInformerListsThenSeesAddsUpdatesAndDeletes() {
    client
        .configMaps()
        .inNamespace("default")
        .resource(new ConfigMapBuilder().withNewMetadata().withName("pre").endMetadata().build())
        .create();
    List<String> seen = new CopyOnWriteArrayList<>();
    SharedIndexInformer<ConfigMap> informer =
        client
            .configMaps()
            .inNamespace("default")
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(ConfigMap cm) {
                    seen.add("add " + cm.getMetadata().getName());
                  }

                  @Override
                  public void onUpdate(ConfigMap old, ConfigMap cm) {
                    if (!old.getMetadata()
                        .getResourceVersion()
                        .equals(cm.getMetadata().getResourceVersion())) {
                      seen.add(
                          "update " + cm.getMetadata().getName() + " " + cm.getData().get("k"));
                    }
                  }

                  @Override
                  public void onDelete(ConfigMap cm, boolean unknown) {
                    seen.add("delete " + cm.getMetadata().getName());
                  }
                });
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> seen.contains("add pre"));
      client
          .configMaps()
          .inNamespace("default")
          .resource(
              new ConfigMapBuilder()
                  .withNewMetadata()
                  .withName("live")
                  .endMetadata()
                  .addToData("k", "1")
                  .build())
          .create();
      client
          .configMaps()
          .inNamespace("default")
          .withName("live")
          .edit(
              cm -> {
                cm.getData().put("k", "2");
                return cm;
              });
      client.configMaps().inNamespace("default").withName("live").delete();
      await().atMost(Duration.ofSeconds(60)).until(() -> seen.contains("delete live"));
      assertThat(seen).containsSubsequence("add pre", "add live", "update live 2", "delete live");
      assertThat(informer.getStore().getByKey("default/pre")).isNotNull();
    } finally {
      informer.close();
    }
  }

  @Test
  void typedWritesRoundTripAndConflictsSurfaceAs409() {
    Deployment d =
        client
            .apps()
            .deployments()
            .inNamespace("default")
            .resource(
                new DeploymentBuilder()
                    .withNewMetadata()
                    .withName("typed")
                    .endMetadata()
                    .withNewSpec()
                    .withNewSelector()
                    .addToMatchLabels("app", "typed")
                    .endSelector()
                    .withNewTemplate()
                    .withNewMetadata()
                    .addToLabels("app", "typed")
                    .endMetadata()
                    .withNewSpec()
                    .addNewContainer()
                    .withName("c")
                    .withImage("nginx")
                    .endContainer()
                    .endSpec()
                    .endTemplate()
                    .endSpec()
                    .build())
            .create();
    assertThat(d.getSpec().getReplicas()).isEqualTo(1);
    assertThat(d.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
    assertThat(d.getSpec().getTemplate().getSpec().getRestartPolicy()).isEqualTo("Always");

    client.apps().deployments().inNamespace("default").withName("typed").scale(3);
    assertThat(
            client
                .apps()
                .deployments()
                .inNamespace("default")
                .withName("typed")
                .get()
                .getSpec()
                .getReplicas())
        .isEqualTo(3);

    d.getSpec().setReplicas(5);
    KubernetesClientException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            KubernetesClientException.class,
            () -> client.apps().deployments().inNamespace("default").resource(d).update());
    assertThat(e.getCode()).isEqualTo(409);
  }
}
