package io.k8j.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.reflect.TypeToken;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1ConfigMapList;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1DeploymentSpec;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import io.kubernetes.client.util.Watch;
import java.io.StringReader;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The official Kubernetes Java client (io.kubernetes:client-java) lists, watches and writes. */
class OfficialJavaClientTest {
  static TestApiServer server;
  static ApiClient client;

  @BeforeAll
  static void start() throws Exception {
    server = TestApiServer.start();
    client =
        ClientBuilder.kubeconfig(
                KubeConfig.loadKubeConfig(new StringReader(Files.readString(server.kubeconfig()))))
            .build();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void listsCreatesAndReplaces() throws Exception {
    CoreV1Api core = new CoreV1Api(client);
    assertThat(core.listNamespace().execute().getItems())
        .extracting(ns -> ns.getMetadata().getName())
        .contains("default", "kube-system", "kube-public", "kube-node-lease");

    V1ConfigMap cm =
        new V1ConfigMap().metadata(new V1ObjectMeta().name("official")).data(Map.of("a", "1"));
    V1ConfigMap created = core.createNamespacedConfigMap("default", cm).execute();
    assertThat(created.getMetadata().getUid()).isNotEmpty();

    created.setData(Map.of("a", "2"));
    V1ConfigMap replaced =
        core.replaceNamespacedConfigMap("official", "default", created).execute();
    assertThat(replaced.getData()).containsEntry("a", "2");

    ApiException conflict =
        org.junit.jupiter.api.Assertions.assertThrows(
            ApiException.class,
            () -> core.replaceNamespacedConfigMap("official", "default", created).execute());
    assertThat(conflict.getCode()).isEqualTo(409);

    V1Deployment d =
        new AppsV1Api(client)
            .createNamespacedDeployment(
                "default",
                new V1Deployment()
                    .metadata(new V1ObjectMeta().name("official"))
                    .spec(
                        new V1DeploymentSpec()
                            .selector(new V1LabelSelector().matchLabels(Map.of("app", "o")))
                            .template(
                                new V1PodTemplateSpec()
                                    .metadata(new V1ObjectMeta().labels(Map.of("app", "o")))
                                    .spec(
                                        new V1PodSpec()
                                            .containers(
                                                List.of(
                                                    new V1Container().name("c").image("nginx")))))))
            .execute();
    assertThat(d.getSpec().getReplicas()).isEqualTo(1);
    assertThat(d.getMetadata().getGeneration()).isEqualTo(1L);
  }

  @Test
  void watchesFromAListsResourceVersion() throws Exception {
    CoreV1Api core = new CoreV1Api(client);
    V1ConfigMapList list = core.listNamespacedConfigMap("kube-public").execute();
    List<String> seen = new ArrayList<>();
    try (Watch<V1ConfigMap> watch =
        Watch.createWatch(
            client,
            core.listNamespacedConfigMap("kube-public")
                .watch(true)
                .resourceVersion(list.getMetadata().getResourceVersion())
                .timeoutSeconds(5)
                .buildCall(null),
            new TypeToken<Watch.Response<V1ConfigMap>>() {}.getType())) {
      core.createNamespacedConfigMap(
              "kube-public", new V1ConfigMap().metadata(new V1ObjectMeta().name("watched")))
          .execute();
      core.deleteNamespacedConfigMap("watched", "kube-public").execute();
      for (Watch.Response<V1ConfigMap> event : watch) {
        seen.add(event.type + " " + event.object.getMetadata().getName());
        if (seen.size() == 2) {
          break;
        }
      }
    }
    assertThat(seen).containsExactly("ADDED watched", "DELETED watched");
  }
}
