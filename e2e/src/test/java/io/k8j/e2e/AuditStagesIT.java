package io.k8j.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The audit log of {@code ./k8j server} with the real kubectl: a watch is logged when its response
 * starts and when it completes, under one auditID, and a stage the policy omits is not logged.
 */
class AuditStagesIT {
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aWatchIsLoggedWhenItStartsAndEndsAndOmittedStagesAreNot() throws Exception {
    Path dir = Files.createTempDirectory("k8j-e2e-audit");
    Path policy = dir.resolve("audit-policy.yaml");
    Path log = dir.resolve("audit.log");
    Files.writeString(
        policy,
        """
        apiVersion: audit.k8s.io/v1
        kind: Policy
        omitStages: ["RequestReceived"]
        rules:
          - level: Metadata
            resources:
              - group: ""
                resources: ["configmaps"]
        """);
    try (K8jServer server =
        K8jServer.start(
            "--disable-agent",
            "--audit-policy-file",
            policy.toString(),
            "--audit-log-path",
            log.toString())) {
      Kubectl admin = new Kubectl(server.kubeconfig());
      Kubectl.Result watch =
          admin.run(
              "get", "--raw", "/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=2");
      assertThat(watch.exitCode()).as(watch.all()).isZero();
      Kubectl.Result create = admin.run("create", "configmap", "audited", "--from-literal=k=v");
      assertThat(create.exitCode()).as(create.all()).isZero();

      List<JsonNode> events =
          await()
              .atMost(Duration.ofSeconds(60))
              .until(
                  () -> events(log),
                  es -> es.stream().anyMatch(e -> e.path("verb").asText().equals("create")));
      assertThat(events).noneMatch(e -> e.path("stage").asText().equals("RequestReceived"));
      List<JsonNode> ofWatch =
          events.stream().filter(e -> e.path("verb").asText().equals("watch")).toList();
      assertThat(ofWatch)
          .extracting(e -> e.path("stage").asText())
          .containsExactly("ResponseStarted", "ResponseComplete");
      assertThat(ofWatch.get(0).path("auditID").asText())
          .isEqualTo(ofWatch.get(1).path("auditID").asText());
      assertThat(ofWatch.get(0).path("responseStatus").path("code").asInt()).isEqualTo(200);
      assertThat(
              events.stream()
                  .filter(e -> e.path("verb").asText().equals("create"))
                  .map(e -> e.path("stage").asText()))
          .containsExactly("ResponseComplete");
    }
  }

  private static List<JsonNode> events(Path log) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    if (Files.exists(log)) {
      for (String line : Files.readAllLines(log)) {
        out.add(JSON.readTree(line));
      }
    }
    return out;
  }
}
