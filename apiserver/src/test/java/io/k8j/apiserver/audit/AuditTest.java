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
      Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(30))
          .until(() -> Files.exists(log) && Files.readAllLines(log).size() >= 2);
      List<ObjectNode> events =
          Files.readAllLines(log).stream()
              .map(l -> Json.parseObject(l.getBytes(StandardCharsets.UTF_8)))
              .toList();
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
}
