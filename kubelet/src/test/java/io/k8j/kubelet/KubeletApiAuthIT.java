package io.k8j.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.k8j.apiserver.auth.Identity;
import io.k8j.testing.cluster.TestApiServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The kubelet API's authentication and authorization against a real API server: client certificates
 * of the cluster CA and bearer tokens (TokenReview), each request authorized with a
 * SubjectAccessReview on the node's subresource.
 */
class KubeletApiAuthIT {
  static TestApiServer api;
  static KubernetesClient client;
  static KubernetesClient nodeClient;
  static Kubelet kubelet;
  static Path dir;
  static String base;

  @BeforeAll
  static void start() throws Exception {
    io.k8j.kubelet.e2e.StableClasspath.preload(
        TestApiServer.class,
        io.k8j.apiserver.ApiServer.class,
        io.k8j.store.embedded.EmbeddedStore.class,
        io.k8j.store.Store.class,
        io.k8j.common.Clock.class);
    api = TestApiServer.start();
    client = api.client();
    dir = Files.createTempDirectory("k8j-kubelet-auth-");
    nodeClient =
        new KubernetesClientBuilder()
            .withConfig(
                Config.fromKubeconfig(
                    api.server().pki().kubeconfigFor(Identity.node("auth-1"), api.url())))
            .build();
    kubelet =
        new Kubelet(
            nodeClient,
            KubeletOptions.builder("auth-1", dir)
                .runtime(RuntimeKind.SIMULATED)
                .port(0)
                .bindAddress("127.0.0.1")
                .nodeIp("10.0.0.2")
                .podCidr("10.45.0.0/24")
                .readOnlyPort(-1)
                .build());
    kubelet.start();
    base = "https://127.0.0.1:" + kubelet.port();
  }

  @AfterAll
  static void stop() {
    if (kubelet != null) {
      kubelet.close();
    }
    if (nodeClient != null) {
      nodeClient.close();
    }
    if (api != null) {
      api.close();
    }
  }

  @Test
  void theApiServersKubeletClientIsAKubeletApiAdmin() throws Exception {
    HttpClient http = https(keysOf(Identity.KUBELET_CLIENT));
    for (String path : List.of("/pods", "/stats/summary", "/metrics", "/metrics/resource")) {
      assertThat(get(http, path, null).statusCode()).as(path).isEqualTo(200);
    }
  }

  @Test
  void aCertifiedUserWithoutNodeRightsIsForbiddenWithUpstreamsMessage() throws Exception {
    HttpClient http = https(keysOf(new Identity("eve", List.of("team-e"))));
    HttpResponse<String> pods = get(http, "/pods", null);
    assertThat(pods.statusCode()).isEqualTo(403);
    assertThat(pods.body())
        .isEqualTo("Forbidden (user=eve, verb=get, resource=nodes, subresource=proxy)");
    HttpResponse<String> exec = post(http, "/exec/default/web/app?command=ls&output=1");
    assertThat(exec.statusCode()).isEqualTo(403);
    assertThat(exec.body())
        .isEqualTo("Forbidden (user=eve, verb=create, resource=nodes, subresource=proxy)");
    assertThat(get(http, "/stats/summary", null).body())
        .isEqualTo("Forbidden (user=eve, verb=get, resource=nodes, subresource=stats)");
  }

  @Test
  void bearerTokensAreReviewedByTheApiServer() throws Exception {
    HttpClient http = https(null);
    HttpResponse<String> garbage = get(http, "/pods", "not-a-token");
    assertThat(garbage.statusCode()).isEqualTo(401);
    assertThat(get(http, "/pods", null).statusCode()).isEqualTo(401);

    String nobody = token("nobody");
    HttpResponse<String> denied = get(http, "/pods", nobody);
    assertThat(denied.statusCode()).isEqualTo(403);
    assertThat(denied.body())
        .isEqualTo(
            "Forbidden (user=system:serviceaccount:default:nobody, verb=get, resource=nodes,"
                + " subresource=proxy)");

    client
        .rbac()
        .clusterRoles()
        .resource(
            new ClusterRoleBuilder()
                .withNewMetadata()
                .withName("node-stats-reader")
                .endMetadata()
                .addNewRule()
                .withApiGroups("")
                .withResources("nodes/stats")
                .withVerbs("get")
                .endRule()
                .build())
        .create();
    client
        .rbac()
        .clusterRoleBindings()
        .resource(
            new ClusterRoleBindingBuilder()
                .withNewMetadata()
                .withName("monitor-node-stats")
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "node-stats-reader")
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName("monitor")
                .withNamespace("default")
                .endSubject()
                .build())
        .create();
    String monitor = token("monitor");
    HttpResponse<String> stats = get(http, "/stats/summary", monitor);
    assertThat(stats.statusCode()).isEqualTo(200);
    assertThat(stats.body()).contains("\"nodeName\":\"auth-1\"");
    assertThat(get(http, "/pods", monitor).statusCode()).isEqualTo(403);
  }

  @Test
  void theReadOnlyPortAndHealthzNeedNoCredentials() throws Exception {
    assertThat(get(https(null), "/healthz", null).statusCode()).isEqualTo(200);
    HttpResponse<String> pods =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + kubelet.readOnlyPort() + "/pods"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(pods.statusCode()).isEqualTo(200);
  }

  private static String token(String serviceAccount) {
    client
        .serviceAccounts()
        .inNamespace("default")
        .resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName(serviceAccount)
                .endMetadata()
                .build())
        .create();
    return client
        .serviceAccounts()
        .inNamespace("default")
        .withName(serviceAccount)
        .tokenRequest(
            new TokenRequestBuilder().withNewSpec().withExpirationSeconds(600L).endSpec().build())
        .getStatus()
        .getToken();
  }

  private static HttpResponse<String> get(HttpClient http, String path, String token)
      throws Exception {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
    if (token != null) {
      r.header("Authorization", "Bearer " + token);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(HttpClient http, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpClient https(KeyManager[] keys) throws Exception {
    return HttpClient.newBuilder().sslContext(KubeletTls.trustAll(keys)).build();
  }

  private static KeyManager[] keysOf(Identity identity) throws Exception {
    return KubeletTls.keysOf(api, identity);
  }
}
