package io.k8j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real kubectl's apply, set, rollout restart and strategic patches against k8j. */
class KubectlApplyIT {
  static K8jServer server;
  static Kubectl kubectl;
  static Path dir;

  private static final String DEPLOYMENT =
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: %s
        namespace: default
        labels: {app: %s%s}
      spec:
        replicas: 1
        selector: {matchLabels: {app: %s}}
        template:
          metadata: {labels: {app: %s}}
          spec:
            containers:
            - name: web
              image: nginx:1.27
              env:
              - {name: A, value: "1"}
              %s
            - name: side
              image: busybox
      """;

  @BeforeAll
  static void start() throws Exception {
    server = K8jServer.startControlPlane();
    kubectl = new Kubectl(server.kubeconfig());
    dir = Files.createTempDirectory("kubectl-apply-it");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String deployment(String name, boolean extra) {
    return DEPLOYMENT.formatted(
        name,
        name,
        extra ? ", tier: front" : "",
        name,
        name,
        extra ? "- {name: B, value: \"2\"}" : "");
  }

  static String ok(String stdin, String... args) throws Exception {
    Kubectl.Result r = kubectl.runWithInput(stdin, args);
    assertThat(r.exitCode()).as("kubectl %s: %s", String.join(" ", args), r.all()).isZero();
    return r.out();
  }

  static String get(String what, String jsonpath) throws Exception {
    return ok(null, "get", what, "-o", "jsonpath=" + jsonpath);
  }

  @Test
  void applyCreatesThenDropsRemovedFields() throws Exception {
    assertThat(ok(deployment("ap", true), "apply", "-f", "-"))
        .contains("deployment.apps/ap created");
    assertThat(get("deploy/ap", "{.metadata.labels.tier}")).isEqualTo("front");
    assertThat(get("deploy/ap", "{.metadata.annotations}"))
        .contains("kubectl.kubernetes.io/last-applied-configuration");

    assertThat(ok(deployment("ap", false), "apply", "-f", "-"))
        .contains("deployment.apps/ap configured");
    assertThat(get("deploy/ap", "{.metadata.labels}")).doesNotContain("tier");
    assertThat(get("deploy/ap", "{.spec.template.spec.containers[0].env[*].name}")).isEqualTo("A");
    assertThat(get("deploy/ap", "{.spec.template.spec.containers[*].name}")).isEqualTo("web side");

    assertThat(ok(deployment("ap", false), "apply", "-f", "-"))
        .contains("deployment.apps/ap unchanged");
  }

  @Test
  void setImageAndEnvChangeOneContainer() throws Exception {
    ok(deployment("si", false), "apply", "-f", "-");
    assertThat(ok(null, "set", "image", "deploy/si", "web=nginx:1.28"))
        .contains("deployment.apps/si image updated");
    assertThat(get("deploy/si", "{.spec.template.spec.containers[*].image}"))
        .isEqualTo("nginx:1.28 busybox");
    ok(null, "set", "env", "deploy/si", "-c", "web", "C=3");
    assertThat(get("deploy/si", "{.spec.template.spec.containers[0].env[*].name}"))
        .isEqualTo("A C");
    ok(null, "set", "resources", "deploy/si", "-c", "side", "--limits=cpu=200m");
    assertThat(get("deploy/si", "{.spec.template.spec.containers[1].resources.limits.cpu}"))
        .isEqualTo("200m");
  }

  @Test
  void rolloutRestartAnnotatesTheTemplate() throws Exception {
    ok(deployment("rr", false), "apply", "-f", "-");
    assertThat(ok(null, "rollout", "restart", "deploy/rr"))
        .contains("deployment.apps/rr restarted");
    assertThat(get("deploy/rr", "{.spec.template.metadata.annotations}"))
        .contains("kubectl.kubernetes.io/restartedAt");
  }

  @Test
  void strategicPatchDirectivesOnPodsDeploymentsAndServices() throws Exception {
    ok(deployment("sp", false), "apply", "-f", "-");
    ok(
        null,
        "patch",
        "deploy/sp",
        "--type=strategic",
        "-p",
        "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"side\",\"$patch\":\"delete\"}]}}}}");
    assertThat(get("deploy/sp", "{.spec.template.spec.containers[*].name}")).isEqualTo("web");
    ok(
        null,
        "patch",
        "deploy/sp",
        "--type=strategic",
        "-p",
        "{\"spec\":{\"strategy\":{\"$retainKeys\":[\"type\"],\"type\":\"Recreate\"}}}");
    assertThat(get("deploy/sp", "{.spec.strategy}")).isEqualTo("{\"type\":\"Recreate\"}");

    ok(
        """
        apiVersion: v1
        kind: Service
        metadata: {name: sps, namespace: default}
        spec:
          selector: {app: sp}
          ports:
          - {name: http, port: 80}
          - {name: https, port: 443}
        """,
        "apply",
        "-f",
        "-");
    ok(
        null,
        "patch",
        "svc/sps",
        "-p",
        "{\"spec\":{\"ports\":[{\"port\":80,\"targetPort\":8080},"
            + "{\"port\":443,\"$patch\":\"delete\"}]}}");
    assertThat(get("svc/sps", "{.spec.ports[*].port}")).isEqualTo("80");
    assertThat(get("svc/sps", "{.spec.ports[0].targetPort}")).isEqualTo("8080");

    ok(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: spp, namespace: default, labels: {a: "1", b: "2"}}
        spec:
          containers:
          - {name: c, image: busybox}
          - {name: d, image: busybox}
        """,
        "apply",
        "-f",
        "-");
    ok(
        null,
        "patch",
        "pod/spp",
        "-p",
        "{\"metadata\":{\"labels\":{\"$patch\":\"replace\",\"c\":\"3\"}},"
            + "\"spec\":{\"containers\":[{\"name\":\"d\",\"image\":\"nginx\"}]}}");
    assertThat(get("pod/spp", "{.metadata.labels}")).isEqualTo("{\"c\":\"3\"}");
    assertThat(get("pod/spp", "{.spec.containers[*].image}")).isEqualTo("busybox nginx");
  }

  @Test
  void editThroughANonInteractiveEditor() throws Exception {
    ok(deployment("ed", false), "apply", "-f", "-");
    Path editor = dir.resolve("editor.sh");
    Files.writeString(editor, "#!/bin/sh\nsed -i 's/nginx:1.27/nginx:edited/' \"$1\"\n");
    editor.toFile().setExecutable(true);
    Kubectl.Result r = kubectl.runWithEnv("KUBE_EDITOR", editor.toString(), "edit", "deploy/ed");
    assertThat(r.exitCode()).as(r.all()).isZero();
    assertThat(r.out()).contains("deployment.apps/ed edited");
    assertThat(get("deploy/ed", "{.spec.template.spec.containers[0].image}"))
        .isEqualTo("nginx:edited");
  }

  @Test
  void diffAndServerDryRunStoreNothing() throws Exception {
    ok(deployment("df", false), "apply", "-f", "-");
    String changed = deployment("df", false).replace("nginx:1.27", "nginx:1.29");
    Kubectl.Result diff = kubectl.runWithInput(changed, "diff", "-f", "-");
    assertThat(diff.exitCode()).as(diff.all()).isEqualTo(1);
    assertThat(diff.out()).contains("-        image: nginx:1.27", "+        image: nginx:1.29");
    assertThat(ok(changed, "apply", "--dry-run=server", "-f", "-"))
        .contains("deployment.apps/df configured (server dry run)");
    assertThat(get("deploy/df", "{.spec.template.spec.containers[0].image}"))
        .isEqualTo("nginx:1.27");
  }
}
