package io.k8j.apiserver.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.ApiClient;
import io.k8j.apiserver.ApiServerOptions;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.TestApiServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The audit log: events by the policy's levels, as upstream's JSON lines, rotated by size. */
class AuditTest {
  @Test
  void eventsFollowThePolicysLevels() throws Exception {
    Path dir = Files.createTempDirectory("k8j-audit");
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(
        policy,
        """
        apiVersion: audit.k8s.io/v1
        kind: Policy
        rules:
          - level: None
            nonResourceURLs: ["/api*", "/version"]
          - level: Metadata
            resources:
              - group: ""
                resources: ["secrets"]
          - level: RequestResponse
            resources:
              - group: ""
                resources: ["configmaps"]
        """);
    Path log = dir.resolve("audit.log");
    try (TestApiServer s =
        new TestApiServer(
            ApiServerOptions.defaults(dir)
                .withPort(0)
                .withBindAddress("127.0.0.1")
                .withAudit(new ApiServerOptions.AuditOptions(policy, log, 100)))) {
      ApiClient admin = new ApiClient(s.kubeconfig());
      admin.post(
          "/api/v1/namespaces/default/secrets",
          Json.parseObject(
              "{\"metadata\":{\"name\":\"s\"},\"stringData\":{\"k\":\"secret-value\"}}"
                  .getBytes(StandardCharsets.UTF_8)));
      admin.post(
          "/api/v1/namespaces/default/configmaps",
          Json.parseObject(
              "{\"metadata\":{\"name\":\"cm\"},\"data\":{\"k\":\"v\"}}"
                  .getBytes(StandardCharsets.UTF_8)));
      admin.get("/api/v1/namespaces/default/pods");
      List<ObjectNode> events =
          awaitEvents(
              log,
              e ->
                  e.path("objectRef").path("resource").asText().equals("configmaps")
                      && e.path("stage").asText().equals("ResponseComplete"),
              1);
      ObjectNode secret = find(events, "secrets");
      assertThat(secret.path("level").asText()).isEqualTo("Metadata");
      assertThat(secret.path("verb").asText()).isEqualTo("create");
      assertThat(secret.path("user").path("username").asText()).isEqualTo("kubernetes-admin");
      assertThat(secret.path("responseStatus").path("code").asInt()).isEqualTo(201);
      assertThat(secret.path("objectRef").path("name").asText()).isEmpty();
      assertThat(secret.path("kind").asText()).isEqualTo("Event");
      assertThat(secret.path("apiVersion").asText()).isEqualTo("audit.k8s.io/v1");
      assertThat(secret.has("requestObject")).isFalse();
      assertThat(Files.readString(log)).doesNotContain("secret-value");
      ObjectNode cm = find(events, "configmaps");
      assertThat(cm.path("level").asText()).isEqualTo("RequestResponse");
      assertThat(cm.path("requestObject").path("data").path("k").asText()).isEqualTo("v");
      assertThat(cm.path("responseObject").path("metadata").path("uid").asText()).isNotEmpty();
      assertThat(events)
          .noneMatch(e -> e.path("objectRef").path("resource").asText().equals("pods"));
    }
  }

  private static ObjectNode find(List<ObjectNode> events, String resource) {
    return events.stream()
        .filter(e -> e.path("objectRef").path("resource").asText().equals(resource))
        .filter(e -> e.path("stage").asText().equals("ResponseComplete"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no event for " + resource + " in " + events));
  }

  @Test
  void theLogIsRotatedBySize() throws Exception {
    Path dir = Files.createTempDirectory("k8j-audit-rotate");
    Path file = dir.resolve("audit.log");
    try (AuditLog log = new AuditLog(file, 1000)) {
      for (int i = 0; i < 30; i++) {
        log.write("{\"n\":" + i + ",\"pad\":\"" + "x".repeat(80) + "\"}");
      }
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.toList();
    }
    assertThat(files.size()).isGreaterThan(2);
    for (Path f : files) {
      assertThat(Files.size(f)).isLessThanOrEqualTo(1000);
      assertThat(f.getFileName().toString())
          .matches("audit(-\\d{4}-\\d\\d-\\d\\dT[\\d.-]+)?\\.log");
    }
    long lines = 0;
    for (Path f : files) {
      lines += Files.readAllLines(f).size();
    }
    assertThat(lines).isEqualTo(30);
  }

  @Test
  void aWatchLogsEveryStageUnderOneAuditId() throws Exception {
    Path dir = Files.createTempDirectory("k8j-audit-stages");
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(
        policy,
        """
        apiVersion: audit.k8s.io/v1
        kind: Policy
        rules:
          - level: Metadata
            resources:
              - group: ""
                resources: ["configmaps"]
        """);
    Path log = dir.resolve("audit.log");
    try (TestApiServer s = server(dir, policy, log)) {
      ApiClient admin = new ApiClient(s.kubeconfig());
      var watch = admin.stream("/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1");
      assertThat(watch.statusCode()).isEqualTo(200);
      String id = watch.headers().firstValue("Audit-ID").orElseThrow();
      try (var body = watch.body()) {
        body.readAllBytes();
      }
      admin.get("/api/v1/namespaces/default/configmaps");
      List<ObjectNode> events = awaitEvents(log, e -> e.path("verb").asText().equals("list"), 2);
      List<ObjectNode> ofWatch =
          events.stream().filter(e -> e.path("auditID").asText().equals(id)).toList();
      assertThat(ofWatch)
          .extracting(e -> e.path("stage").asText())
          .containsExactly("RequestReceived", "ResponseStarted", "ResponseComplete");
      assertThat(ofWatch).allMatch(e -> e.path("verb").asText().equals("watch"));
      assertThat(ofWatch.get(0).has("responseStatus")).isFalse();
      assertThat(ofWatch.get(1).path("responseStatus").path("code").asInt()).isEqualTo(200);
      assertThat(ofWatch.get(2).path("responseStatus").path("code").asInt()).isEqualTo(200);
      assertThat(
              events.stream()
                  .filter(e -> e.path("verb").asText().equals("list"))
                  .map(e -> e.path("stage").asText()))
          .containsExactly("RequestReceived", "ResponseComplete");
    }
  }

  @Test
  void omitStagesOfThePolicyAndOfARuleAreLeftOut() throws Exception {
    Path dir = Files.createTempDirectory("k8j-audit-omit");
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(
        policy,
        """
        apiVersion: audit.k8s.io/v1
        kind: Policy
        omitStages: ["RequestReceived"]
        rules:
          - level: Metadata
            omitStages: ["ResponseStarted"]
            resources:
              - group: ""
                resources: ["configmaps"]
          - level: Metadata
            resources:
              - group: ""
                resources: ["secrets"]
        """);
    Path log = dir.resolve("audit.log");
    try (TestApiServer s = server(dir, policy, log)) {
      ApiClient admin = new ApiClient(s.kubeconfig());
      try (var body =
          admin.stream("/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1")
              .body()) {
        body.readAllBytes();
      }
      try (var body =
          admin.stream("/api/v1/namespaces/default/secrets?watch=true&timeoutSeconds=1").body()) {
        body.readAllBytes();
      }
      List<ObjectNode> events =
          awaitEvents(
              log,
              e ->
                  e.path("objectRef").path("resource").asText().equals("secrets")
                      && e.path("stage").asText().equals("ResponseComplete"),
              1);
      assertThat(events).noneMatch(e -> e.path("stage").asText().equals("RequestReceived"));
      assertThat(stages(events, "configmaps")).containsExactly("ResponseComplete");
      assertThat(stages(events, "secrets")).containsExactly("ResponseStarted", "ResponseComplete");
    }
  }

  @Test
  void anUnknownStageInThePolicyIsRefusedWithTheSupportedOnes() throws Exception {
    Path policy = Files.createTempFile("k8j-audit-policy", ".yaml");
    Files.writeString(
        policy,
        """
        apiVersion: audit.k8s.io/v1
        kind: Policy
        omitStages: ["RequestRecieved"]
        rules: [{level: Metadata}]
        """);
    assertThat(
            org.assertj.core.api.Assertions.catchThrowable(() -> AuditPolicy.read(policy))
                .getMessage())
        .contains("Unsupported value: \"RequestRecieved\"")
        .contains("\"ResponseStarted\"");
  }

  @Test
  void aPanicIsLoggedAsItsOwnStageWithA500() throws Exception {
    Path file = Files.createTempDirectory("k8j-audit-panic").resolve("audit.log");
    AuditPolicy policy =
        new AuditPolicy(
            List.of(
                new AuditPolicy.Rule(
                    AuditPolicy.Level.Request,
                    List.of(),
                    List.of(),
                    List.of(),
                    List.of(),
                    List.of(),
                    List.of(),
                    List.of())),
            List.of());
    io.k8j.apiserver.auth.UserInfo alice =
        io.k8j.apiserver.auth.UserInfo.authenticated("alice", "", List.of("devs"));
    try (AuditLog log = new AuditLog(file, 0)) {
      Auditor auditor = new Auditor(policy, log, io.k8j.common.Clock.SYSTEM);
      Auditor.Event e =
          auditor.begin(
              new Auditor.Request(
                  io.k8j.apiserver.auth.Attributes.resource(
                      alice, "get", "", "pods", "", "default", "web"),
                  "/api/v1/namespaces/default/pods/web",
                  "v1",
                  "127.0.0.1",
                  "test",
                  java.time.Instant.now()));
      e.panic(alice, new IllegalStateException("boom"));
      e.responseComplete(new Auditor.Outcome(alice, 500, null, null, null));
    }
    List<ObjectNode> events =
        Files.readAllLines(file).stream()
            .map(l -> Json.parseObject(l.getBytes(StandardCharsets.UTF_8)))
            .toList();
    assertThat(events)
        .extracting(e -> e.path("stage").asText())
        .containsExactly("RequestReceived", "Panic");
    ObjectNode status = (ObjectNode) events.get(1).path("responseStatus");
    assertThat(status.path("code").asInt()).isEqualTo(500);
    assertThat(status.path("reason").asText()).isEqualTo("InternalError");
    assertThat(status.path("message").asText())
        .isEqualTo("APIServer panic'd: java.lang.IllegalStateException: boom");
    assertThat(events.get(1).path("objectRef").path("name").asText()).isEqualTo("web");
  }

  @Test
  void rotatedLogsAreKeptUpToMaxBackupAndMaxAge() throws Exception {
    Path dir = Files.createTempDirectory("k8j-audit-backups");
    Path file = dir.resolve("audit.log");
    Path ancient = dir.resolve("audit-2001-01-01T00-00-00.000.log");
    Files.writeString(ancient, "{}\n");
    try (AuditLog log = new AuditLog(file, 1000, 30, 2)) {
      for (int i = 0; i < 60; i++) {
        log.write("{\"n\":" + i + ",\"pad\":\"" + "x".repeat(80) + "\"}");
      }
    }
    List<String> names;
    try (Stream<Path> s = Files.list(dir)) {
      names = s.map(p -> p.getFileName().toString()).sorted().toList();
    }
    assertThat(names)
        .hasSize(3)
        .contains("audit.log")
        .doesNotContain(ancient.getFileName().toString());
    String newest = Files.readString(file);
    assertThat(newest).contains("\"n\":59");
  }

  private static TestApiServer server(Path dir, Path policy, Path log) throws Exception {
    return new TestApiServer(
        ApiServerOptions.defaults(dir)
            .withPort(0)
            .withBindAddress("127.0.0.1")
            .withAudit(new ApiServerOptions.AuditOptions(policy, log, 100)));
  }

  private static List<ObjectNode> awaitEvents(
      Path log, java.util.function.Predicate<ObjectNode> last, int count) {
    return Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(60))
        .until(
            () ->
                Files.exists(log)
                    ? Files.readAllLines(log).stream()
                        .map(l -> Json.parseObject(l.getBytes(StandardCharsets.UTF_8)))
                        .toList()
                    : List.<ObjectNode>of(),
            events -> events.stream().filter(last).count() >= count);
  }

  private static List<String> stages(List<ObjectNode> events, String resource) {
    return events.stream()
        .filter(e -> e.path("objectRef").path("resource").asText().equals(resource))
        .map(e -> e.path("stage").asText())
        .toList();
  }
}
