package io.k8j.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
    // pods are admitted once the service account controller has made the default account
    await()
        .atMost(Duration.ofSeconds(120))
        .until(() -> kubectl.run("get", "serviceaccount", "default").exitCode() == 0);
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

  /** A pod of two busybox containers, c and d, with the given metadata besides its name. */
  static String pod(String name, String metadata) {
    return """
        apiVersion: v1
        kind: Pod
        metadata: {name: %s, namespace: default, %s}
        spec:
          containers:
          - {name: c, image: busybox}
          - {name: d, image: busybox}
        """
        .formatted(name, metadata);
  }

  /** {@code kubectl patch} of one object with a patch of the given type. */
  static String patch(String what, String type, String patch) throws Exception {
    return ok(null, "patch", what, "--type=" + type, "-p", patch);
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
    patch(
        "deploy/sp",
        "strategic",
        "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"side\",\"$patch\":\"delete\"}]}}}}");
    assertThat(get("deploy/sp", "{.spec.template.spec.containers[*].name}")).isEqualTo("web");
    patch(
        "deploy/sp",
        "strategic",
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
    patch(
        "svc/sps",
        "strategic",
        "{\"spec\":{\"ports\":[{\"port\":80,\"targetPort\":8080},"
            + "{\"port\":443,\"$patch\":\"delete\"}]}}");
    assertThat(get("svc/sps", "{.spec.ports[*].port}")).isEqualTo("80");
    assertThat(get("svc/sps", "{.spec.ports[0].targetPort}")).isEqualTo("8080");

    ok(pod("spp", "labels: {a: \"1\", b: \"2\"}"), "apply", "-f", "-");
    patch(
        "pod/spp",
        "strategic",
        "{\"metadata\":{\"labels\":{\"$patch\":\"replace\",\"c\":\"3\"}},"
            + "\"spec\":{\"containers\":[{\"name\":\"d\",\"image\":\"nginx\"}]}}");
    assertThat(get("pod/spp", "{.metadata.labels}")).isEqualTo("{\"c\":\"3\"}");
    assertThat(get("pod/spp", "{.spec.containers[*].image}")).isEqualTo("busybox nginx");
  }

  @Test
  void jsonAndMergePatchesOnPodsDeploymentsAndServices() throws Exception {
    ok(pod("jp", "labels: {a: \"1\", b: \"2\"}"), "apply", "-f", "-");
    assertThat(
            patch(
                "pod/jp",
                "json",
                "[{\"op\":\"test\",\"path\":\"/spec/containers/1/name\",\"value\":\"d\"},"
                    + "{\"op\":\"replace\",\"path\":\"/spec/containers/1/image\",\"value\":\"nginx\"},"
                    + "{\"op\":\"remove\",\"path\":\"/metadata/labels/a\"},"
                    + "{\"op\":\"add\",\"path\":\"/metadata/labels/c\",\"value\":\"3\"}]"))
        .isEqualTo("pod/jp patched\n");
    assertThat(get("pod/jp", "{.spec.containers[*].image} {.metadata.labels}"))
        .isEqualTo("busybox nginx {\"b\":\"2\",\"c\":\"3\"}");
    Kubectl.Result failedTest =
        kubectl.run(
            "patch",
            "pod/jp",
            "--type=json",
            "-p",
            "[{\"op\":\"test\",\"path\":\"/spec/containers/1/name\",\"value\":\"x\"},"
                + "{\"op\":\"remove\",\"path\":\"/metadata/labels/b\"}]");
    assertThat(failedTest.exitCode()).isNotZero();
    assertThat(failedTest.err()).contains("/spec/containers/1/name");
    patch(
        "pod/jp",
        "merge",
        "{\"metadata\":{\"labels\":{\"b\":null,\"d\":\"4\"},\"annotations\":{\"note\":\"x\"}}}");
    assertThat(get("pod/jp", "{.metadata.labels} {.metadata.annotations.note}"))
        .isEqualTo("{\"c\":\"3\",\"d\":\"4\"} x");

    ok(deployment("jd", false), "apply", "-f", "-");
    patch(
        "deploy/jd",
        "json",
        "[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":3},"
            + "{\"op\":\"add\",\"path\":\"/spec/template/spec/containers/0/env/-\","
            + "\"value\":{\"name\":\"Z\",\"value\":\"26\"}},"
            + "{\"op\":\"copy\",\"from\":\"/spec/template/spec/containers/0/image\","
            + "\"path\":\"/metadata/annotations/image\"}]");
    assertThat(
            get(
                "deploy/jd",
                "{.spec.replicas} {.spec.template.spec.containers[0].env[*].name}"
                    + " {.metadata.annotations.image}"))
        .isEqualTo("3 A Z nginx:1.27");
    // a merge patch replaces a list whole
    patch(
        "deploy/jd",
        "merge",
        "{\"spec\":{\"minReadySeconds\":5,\"template\":{\"spec\":{\"containers\":"
            + "[{\"name\":\"solo\",\"image\":\"nginx:1.28\"}]}}}}");
    assertThat(
            get(
                "deploy/jd",
                "{.spec.minReadySeconds} {.spec.template.spec.containers[*].name}"
                    + " {.metadata.generation}"))
        .isEqualTo("5 solo 3");

    ok(
        """
        apiVersion: v1
        kind: Service
        metadata: {name: js, namespace: default, labels: {a: "1"}}
        spec:
          selector: {app: x, tier: web}
          ports:
          - {name: http, port: 80}
          - {name: https, port: 443}
        """,
        "apply",
        "-f",
        "-");
    patch(
        "svc/js",
        "json",
        "[{\"op\":\"replace\",\"path\":\"/spec/ports/0/targetPort\",\"value\":8080},"
            + "{\"op\":\"remove\",\"path\":\"/spec/selector/tier\"},"
            + "{\"op\":\"move\",\"from\":\"/metadata/labels/a\",\"path\":\"/metadata/labels/b\"}]");
    assertThat(get("svc/js", "{.spec.ports[0].targetPort} {.spec.selector} {.metadata.labels}"))
        .isEqualTo("8080 {\"app\":\"x\"} {\"b\":\"1\"}");
    patch(
        "svc/js",
        "merge",
        "{\"spec\":{\"sessionAffinity\":\"ClientIP\",\"ports\":[{\"name\":\"tls\",\"port\":8443}]}}");
    assertThat(get("svc/js", "{.spec.sessionAffinity} {.spec.ports[*].name}"))
        .isEqualTo("ClientIP tls");
  }

  @Test
  void strategicOrderAndPrimitiveListDirectivesOnPodsDeploymentsAndServices() throws Exception {
    ok(pod("op", "finalizers: [example.com/a, example.com/b]"), "apply", "-f", "-");
    patch(
        "pod/op",
        "strategic",
        "{\"metadata\":{\"$deleteFromPrimitiveList/finalizers\":[\"example.com/a\"]},"
            + "\"spec\":{\"$setElementOrder/containers\":[{\"name\":\"c\"},{\"name\":\"d\"}],"
            + "\"containers\":[{\"name\":\"d\",\"image\":\"nginx\"}]}}");
    assertThat(get("pod/op", "{.metadata.finalizers} {.spec.containers[*].image}"))
        .isEqualTo("[\"example.com/b\"] busybox nginx");
    patch("pod/op", "merge", "{\"metadata\":{\"finalizers\":null}}");

    ok(deployment("od", true), "apply", "-f", "-");
    ok(null, "set", "env", "deploy/od", "-c", "web", "C=3");
    patch(
        "deploy/od",
        "strategic",
        "{\"spec\":{\"strategy\":{\"$patch\":\"replace\",\"type\":\"Recreate\"},"
            + "\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\","
            + "\"$setElementOrder/env\":[{\"name\":\"C\"},{\"name\":\"B\"},{\"name\":\"A\"}],"
            + "\"env\":[{\"name\":\"B\",\"value\":\"22\"}]}],"
            + "\"volumes\":[{\"name\":\"v\",\"configMap\":{\"name\":\"cfg\"}}]}}}}");
    assertThat(get("deploy/od", "{.spec.strategy}")).isEqualTo("{\"type\":\"Recreate\"}");
    assertThat(get("deploy/od", "{.spec.template.spec.containers[0].env}"))
        .isEqualTo(
            "[{\"name\":\"C\",\"value\":\"3\"},{\"name\":\"B\",\"value\":\"22\"},"
                + "{\"name\":\"A\",\"value\":\"1\"}]");
    // a volume's source switched with $retainKeys: the old source does not linger beside the new
    patch(
        "deploy/od",
        "strategic",
        "{\"spec\":{\"template\":{\"spec\":{\"volumes\":[{\"name\":\"v\","
            + "\"$retainKeys\":[\"name\",\"emptyDir\"],\"emptyDir\":{\"medium\":\"Memory\"}}]}}}}");
    assertThat(get("deploy/od", "{.spec.template.spec.volumes[0]}"))
        .isEqualTo("{\"emptyDir\":{\"medium\":\"Memory\"},\"name\":\"v\"}");

    // client-side apply computes the directives itself: reordered ports, a removed one, a finalizer
    String service =
        """
        apiVersion: v1
        kind: Service
        metadata: {name: os, namespace: default, finalizers: [%s]}
        spec:
          selector: {app: os}
          ports:
        %s
        """;
    ok(
        service.formatted(
            "example.com/a, example.com/b",
            "  - {name: http, port: 80}\n  - {name: https, port: 443}\n  - {name: metrics, port: 9090}"),
        "apply",
        "-f",
        "-");
    assertThat(
            ok(
                service.formatted(
                    "example.com/b", "  - {name: metrics, port: 9090}\n  - {name: http, port: 80}"),
                "apply",
                "-f",
                "-"))
        .isEqualTo("service/os configured\n");
    assertThat(get("svc/os", "{.metadata.finalizers} {.spec.ports[*].name}"))
        .isEqualTo("[\"example.com/b\"] metrics http");
    patch(
        "svc/os",
        "strategic",
        "{\"metadata\":{\"$deleteFromPrimitiveList/finalizers\":[\"example.com/b\"]},"
            + "\"spec\":{\"ports\":[{\"$patch\":\"replace\"},{\"name\":\"only\",\"port\":8443}]}}");
    assertThat(get("svc/os", "{.metadata.finalizers} {.spec.ports[*].name}")).isEqualTo(" only");
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
