package io.k8j.apiserver.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8j.apiserver.ApiClient;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.TestApiServer;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The review APIs as kubectl uses them: {@code auth can-i} (with {@code --list}, {@code --as},
 * {@code -n} and subresources) and {@code auth whoami} answer what requests actually get.
 */
class ReviewsTest {
  static TestApiServer server;
  static ApiClient admin;
  static Path dir;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("k8j-reviews");
    Files.createDirectories(dir.resolve("pki"));
    Files.writeString(dir.resolve("pki/tokens.csv"), "tok-alice,alice,u1,\"dev\"\n");
    server = new TestApiServer(dir, 0);
    admin = new ApiClient(server.kubeconfig());
    admin.post("/api/v1/namespaces", json("{'metadata':{'name':'team-a'}}"));
    admin.post(
        "/apis/rbac.authorization.k8s.io/v1/namespaces/team-a/rolebindings",
        json(
            "{'metadata':{'name':'alice-view'},'roleRef':{'apiGroup':'rbac.authorization.k8s.io',"
                + "'kind':'ClusterRole','name':'view'},'subjects':[{'kind':'User','name':'alice'}]}"));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static com.fasterxml.jackson.databind.node.ObjectNode json(String s) {
    return Json.parseObject(s.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
  }

  /** Runs the real kubectl with the admin kubeconfig; returns its exit code and output. */
  private static String[] kubectl(String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(List.of("kubectl", "--kubeconfig", server.kubeconfig().toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new String[] {Integer.toString(p.waitFor()), out.strip()};
  }

  private static String aliceMayGetPods(String subresource) throws Exception {
    return kubectl(
        "auth",
        "can-i",
        "get",
        "pods",
        "--subresource=" + subresource,
        "-n",
        "team-a",
        "--as",
        "alice")[1];
  }

  @Test
  void canIAnswersAsRequestsAreDecided() throws Exception {
    assertThat(kubectl("auth", "can-i", "list", "pods", "-n", "team-a", "--as", "alice")[1])
        .isEqualTo("yes");
    assertThat(kubectl("auth", "can-i", "list", "secrets", "-n", "team-a", "--as", "alice"))
        .containsExactly("1", "no");
    assertThat(kubectl("auth", "can-i", "list", "pods", "-n", "default", "--as", "alice")[1])
        .isEqualTo("no");
    assertThat(kubectl("auth", "can-i", "get", "pods/log", "-n", "team-a", "--as", "alice")[1])
        .isEqualTo("yes");
    assertThat(kubectl("auth", "can-i", "create", "pods/exec", "-n", "team-a", "--as", "alice")[1])
        .isEqualTo("no");
    // view reads no escalating subresource: a WebSocket exec is a get on pods/exec
    for (String sub : List.of("exec", "attach", "portforward")) {
      assertThat(aliceMayGetPods(sub)).as(sub).isEqualTo("no");
    }
    assertThat(aliceMayGetPods("log")).isEqualTo("yes");
    assertThat(kubectl("auth", "can-i", "*", "*")[1]).isEqualTo("yes");
    var denied =
        admin.send(
            admin
                .request("/api/v1/namespaces/team-a/secrets")
                .setHeader("Authorization", "Bearer tok-alice")
                .GET());
    assertThat(denied.code()).isEqualTo(403);
  }

  @Test
  void canIListShowsTheRulesOfTheNamespace() throws Exception {
    String[] out = kubectl("auth", "can-i", "--list", "-n", "team-a", "--as", "alice");
    assertThat(out[0]).isEqualTo("0");
    assertThat(out[1]).contains("pods ").contains("selfsubjectaccessreviews.authorization.k8s.io");
    assertThat(out[1]).doesNotContain("secrets");
  }

  @Test
  void aRoleLabelledToAggregateIntoViewExtendsIt() throws Exception {
    assertThat(
            kubectl(
                "auth",
                "can-i",
                "get",
                "leases.coordination.k8s.io",
                "-n",
                "team-a",
                "--as",
                "alice")[1])
        .isEqualTo("no");
    admin.post(
        "/apis/rbac.authorization.k8s.io/v1/clusterroles",
        json(
            "{'metadata':{'name':'templates-view','labels':"
                + "{'rbac.authorization.k8s.io/aggregate-to-view':'true'}},'rules':[{'apiGroups':"
                + "['coordination.k8s.io'],'resources':['leases'],'verbs':['get']}]}"));
    assertThat(
            kubectl(
                "auth",
                "can-i",
                "get",
                "leases.coordination.k8s.io",
                "-n",
                "team-a",
                "--as",
                "alice")[1])
        .isEqualTo("yes");
  }

  @Test
  void aRoleKubectlCreatesKeepsTheCoreGroup() throws Exception {
    String[] out =
        kubectl("create", "role", "pod-reader", "--verb=get", "--resource=pods", "-n", "team-a");
    assertThat(out[0]).as(out[1]).isEqualTo("0");
    var role = admin.get("/apis/rbac.authorization.k8s.io/v1/namespaces/team-a/roles/pod-reader");
    assertThat(role.json().path("rules").get(0).path("apiGroups").toString()).isEqualTo("[\"\"]");
  }

  @Test
  void whoamiNamesTheUserAndGroups() throws Exception {
    String[] out = kubectl("auth", "whoami", "--as", "alice", "--as-group", "dev");
    assertThat(out[1]).contains("alice").contains("dev").contains("system:authenticated");
    assertThat(kubectl("auth", "whoami", "-o", "jsonpath={.status.userInfo.username}")[1])
        .isEqualTo("kubernetes-admin");
  }

  @Test
  void subjectAccessReviewAsksAboutAnotherUser() throws Exception {
    var r =
        admin.post(
            "/apis/authorization.k8s.io/v1/subjectaccessreviews",
            json(
                "{'apiVersion':'authorization.k8s.io/v1','kind':'SubjectAccessReview','spec':"
                    + "{'user':'alice','resourceAttributes':{'namespace':'team-a','verb':'get',"
                    + "'resource':'pods'}}}"));
    assertThat(r.code()).isEqualTo(201);
    assertThat(r.json().path("status").path("allowed").asBoolean()).isTrue();
    var local =
        admin.post(
            "/apis/authorization.k8s.io/v1/namespaces/team-a/localsubjectaccessreviews",
            json(
                "{'spec':{'user':'alice','resourceAttributes':{'namespace':'team-a','verb':'get',"
                    + "'resource':'secrets'}}}"));
    assertThat(local.code()).isEqualTo(201);
    assertThat(local.json().path("status").path("allowed").asBoolean()).isFalse();
    var mismatch =
        admin.post(
            "/apis/authorization.k8s.io/v1/namespaces/team-a/localsubjectaccessreviews",
            json("{'spec':{'user':'alice','resourceAttributes':{'namespace':'b','verb':'get'}}}"));
    assertThat(mismatch.code()).isEqualTo(400);
    var nobody =
        admin.post(
            "/apis/authorization.k8s.io/v1/subjectaccessreviews",
            json("{'spec':{'resourceAttributes':{'verb':'get','resource':'pods'}}}"));
    assertThat(nobody.code()).isEqualTo(422);
  }

  @Test
  void tokenReviewAuthenticatesATokenAndRefusesABadOne() throws Exception {
    var good =
        admin.post(
            "/apis/authentication.k8s.io/v1/tokenreviews", json("{'spec':{'token':'tok-alice'}}"));
    assertThat(good.code()).isEqualTo(201);
    assertThat(good.json().path("status").path("authenticated").asBoolean()).isTrue();
    assertThat(good.json().path("status").path("user").path("username").asText())
        .isEqualTo("alice");
    var bad =
        admin.post(
            "/apis/authentication.k8s.io/v1/tokenreviews", json("{'spec':{'token':'nope'}}"));
    assertThat(bad.json().path("status").path("authenticated").asBoolean()).isFalse();
  }

  @Test
  void reviewsAreInDiscoveryAndOnlyCreated() throws Exception {
    var list = admin.get("/apis/authorization.k8s.io/v1");
    assertThat(list.body()).contains("selfsubjectaccessreviews").contains("\"create\"");
    assertThat(admin.get("/apis/authentication.k8s.io/v1").body()).contains("selfsubjectreviews");
    var get =
        admin.send(admin.request("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews").GET());
    assertThat(get.code()).isEqualTo(405);
    var anonymous =
        admin
            .http()
            .send(
                HttpRequest.newBuilder(
                        java.net.URI.create(
                            admin.server()
                                + "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(anonymous.statusCode()).isEqualTo(403);
  }
}
