package io.k8j.apiserver.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8j.apiserver.ApiClient;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.TestApiServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Requests of token users against RBAC and impersonation, over HTTPS, as a client sees them. */
class AuthorizationTest {
  static TestApiServer server;
  static ApiClient admin;

  @BeforeAll
  static void start() throws Exception {
    Path dir = Files.createTempDirectory("k8j-authz");
    Files.createDirectories(dir.resolve("pki"));
    Files.writeString(
        dir.resolve("pki/tokens.csv"), "tok-alice,alice,u1,\"dev\"\ntok-bob,bob,u2\n");
    server = new TestApiServer(dir, 0);
    admin = new ApiClient(server.kubeconfig());
    admin.post("/api/v1/namespaces", Json.parseObject(bytes("{'metadata':{'name':'team-a'}}")));
    admin.post(
        "/apis/rbac.authorization.k8s.io/v1/namespaces/team-a/rolebindings",
        Json.parseObject(
            bytes(
                "{'metadata':{'name':'alice-view'},'roleRef':{'apiGroup':'rbac.authorization.k8s.io','kind':'ClusterRole','name':'view'},'subjects':[{'kind':'User','name':'alice'}]}")));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static byte[] bytes(String s) {
    return s.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
  }

  private static ApiClient.Response as(String token, String path, String... headers)
      throws Exception {
    var req = admin.request(path).setHeader("Authorization", "Bearer " + token);
    for (int i = 0; i < headers.length; i += 2) {
      req.header(headers[i], headers[i + 1]);
    }
    return admin.send(req.GET());
  }

  @Test
  void aUserWithoutARoleIsDeniedWithUpstreamsMessage() throws Exception {
    ApiClient.Response r = as("tok-bob", "/api/v1/namespaces/team-a/secrets");
    assertThat(r.code()).isEqualTo(403);
    assertThat(r.json().path("message").asText())
        .isEqualTo(
            "secrets is forbidden: User \"bob\" cannot list resource \"secrets\" in API group \"\""
                + " in the namespace \"team-a\"");
  }

  @Test
  void aRoleBindingGrantsItsRulesInItsNamespaceOnly() throws Exception {
    assertThat(as("tok-alice", "/api/v1/namespaces/team-a/pods").code()).isEqualTo(200);
    assertThat(as("tok-alice", "/api/v1/namespaces/default/pods").code()).isEqualTo(403);
    assertThat(as("tok-alice", "/api/v1/namespaces/team-a/secrets").code()).isEqualTo(403);
    assertThat(as("tok-alice", "/api").code()).isEqualTo(200);
  }

  @Test
  void impersonationNeedsTheImpersonateVerb() throws Exception {
    ApiClient.Response denied =
        as("tok-bob", "/api/v1/namespaces/team-a/pods", "Impersonate-User", "alice");
    assertThat(denied.code()).isEqualTo(403);
    assertThat(denied.json().path("message").asText())
        .isEqualTo(
            "users \"alice\" is forbidden: User \"bob\" cannot impersonate resource \"users\" in"
                + " API group \"\" at the cluster scope");
    String adminToken =
        Files.readString(server.kubeconfig()).replaceAll("(?s).*token: (\\S+).*", "$1");
    assertThat(as(adminToken, "/api/v1/namespaces/team-a/pods", "Impersonate-User", "alice").code())
        .isEqualTo(200);
    assertThat(
            as(adminToken, "/api/v1/namespaces/team-a/secrets", "Impersonate-User", "alice").code())
        .isEqualTo(403);
  }
}
