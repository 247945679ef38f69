package io.k8j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A CustomResourceDefinition and its custom resources with the real kubectl: apply, printer
 * columns, patches, validation errors, explain, scale and deletion of the CRD with its resources.
 */
class CustomResourceIT {
  static K8jServer server;
  static Kubectl kubectl;

  static final String CRD =
      """
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata:
        name: crontabs.%1$s
      spec:
        group: %1$s
        scope: Namespaced
        names: {plural: crontabs, singular: crontab, kind: CronTab, shortNames: [ct]}
        versions:
        - name: v1
          served: true
          storage: true
          subresources:
            status: {}
            scale: {specReplicasPath: .spec.replicas, statusReplicasPath: .status.replicas}
          additionalPrinterColumns:
          - {name: Spec, type: string, jsonPath: .spec.cronSpec}
          - {name: Replicas, type: integer, jsonPath: .spec.replicas}
          - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
          schema:
            openAPIV3Schema:
              type: object
              description: CronTab runs an image on a schedule.
              properties:
                spec:
                  type: object
                  description: What to run and when.
                  required: [cronSpec]
                  properties:
                    cronSpec:
                      type: string
                      description: The schedule, in cron format.
                      pattern: '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$'
                    image: {type: string, description: The image to run.}
                    replicas: {type: integer, minimum: 1, maximum: 10, default: 1}
                status:
                  type: object
                  properties:
                    replicas: {type: integer}
      """;

  static final String CRONTAB =
      """
      apiVersion: %s/v1
      kind: CronTab
      metadata: {name: %s, namespace: default}
      spec:
        cronSpec: "%s"
        image: my-image
        %s
      """;

  @BeforeAll
  static void start() throws Exception {
    server = K8jServer.startControlPlane();
    kubectl = new Kubectl(server.kubeconfig());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String ok(String stdin, String... args) throws Exception {
    Kubectl.Result r = kubectl.runWithInput(stdin, args);
    assertThat(r.exitCode()).as("kubectl %s: %s", String.join(" ", args), r.all()).isZero();
    return r.out();
  }

  /** Applies the CRD of {@code group} and waits until kubectl can use its resources. */
  static void applyCrd(String group) throws Exception {
    ok(CRD.formatted(group), "apply", "-f", "-");
    ok(null, "wait", "--for=condition=Established", "crd/crontabs." + group, "--timeout=60s");
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (kubectl.run("get", "crontabs." + group).exitCode() != 0) {
      assertThat(Instant.now()).as("crontabs served").isBefore(deadline);
    }
  }

  @Test
  void customResourcesAreCreatedListedWithTheirColumnsPatchedScaledAndDeleted() throws Exception {
    String group = "stable.example.com";
    applyCrd(group);
    ok(CRONTAB.formatted(group, "nightly", "0 3 * * *", ""), "apply", "-f", "-");
    String table = ok(null, "get", "crontabs");
    assertThat(table.lines().findFirst().orElseThrow().split("\\s+"))
        .containsExactly("NAME", "SPEC", "REPLICAS", "AGE");
    assertThat(table).containsPattern("nightly\\s+0 3 \\* \\* \\*\\s+1\\s+\\d+s");

    ok(null, "patch", "ct", "nightly", "--type=merge", "-p", "{\"spec\":{\"replicas\":2}}");
    ok(
        null,
        "patch",
        "ct",
        "nightly",
        "--type=json",
        "-p",
        "[{\"op\":\"replace\",\"path\":\"/spec/image\",\"value\":\"other\"}]");
    assertThat(ok(null, "get", "ct", "nightly", "-o", "jsonpath={.spec.replicas} {.spec.image}"))
        .isEqualTo("2 other");
    Kubectl.Result strategic =
        kubectl.run(
            "patch", "ct", "nightly", "--type=strategic", "-p", "{\"spec\":{\"replicas\":3}}");
    assertThat(strategic.exitCode()).isNotZero();
    assertThat(strategic.err())
        .contains(
            "application/strategic-merge-patch+json is not supported by "
                + group
                + "/v1,"
                + " Kind=CronTab");

    ok(null, "scale", "ct", "nightly", "--replicas=4");
    assertThat(ok(null, "get", "ct", "nightly", "-o", "jsonpath={.spec.replicas}")).isEqualTo("4");

    ok(null, "delete", "ct", "nightly");
    assertThat(ok(null, "get", "crontabs", "-o", "name")).isEmpty();
  }

  @Test
  void anInvalidCustomResourceIsRejectedWithEveryCausePrinted() throws Exception {
    String group = "invalid.example.com";
    applyCrd(group);
    Kubectl.Result r =
        kubectl.runWithInput(
            CRONTAB.formatted(group, "broken", "every day", "replicas: 20"), "apply", "-f", "-");
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.err())
        .contains("The CronTab \"broken\" is invalid")
        .contains("spec.cronSpec: Invalid value: \"every day\": spec.cronSpec in body should match")
        .contains(
            "spec.replicas: Invalid value: 20: spec.replicas in body should be less than or equal"
                + " to 10");
    Kubectl.Result unknown =
        kubectl.runWithInput(
            CRONTAB.formatted(group, "extra", "* * * * *", "colour: red"),
            "apply",
            "--validate=strict",
            "-f",
            "-");
    assertThat(unknown.exitCode()).isNotZero();
    assertThat(unknown.err()).contains("unknown field \"spec.colour\"");
    Kubectl.Result warn =
        kubectl.runWithInput(
            CRONTAB.formatted(group, "extra", "* * * * *", "colour: red"),
            "apply",
            "--validate=warn",
            "-f",
            "-");
    assertThat(warn.exitCode()).as(warn.all()).isZero();
    assertThat(warn.err()).contains("Warning: unknown field \"spec.colour\"");
    assertThat(ok(null, "get", "crontabs." + group, "extra", "-o", "jsonpath={.spec}"))
        .contains("my-image")
        .doesNotContain("colour");
  }

  @Test
  void explainDescribesACustomResourceFromItsSchema() throws Exception {
    String group = "explain.example.com";
    applyCrd(group);
    String out = ok(null, "explain", "crontabs." + group + ".spec").replaceAll("\\s+", " ");
    assertThat(out)
        .contains("KIND: CronTab")
        .contains("What to run and when.")
        .contains("cronSpec <string> -required- The schedule, in cron format.")
        .contains("image <string> The image to run.");
  }

  @Test
  void deletingTheCrdDeletesItsCustomResourcesAndItsEndpoints() throws Exception {
    String group = "doomed.example.com";
    applyCrd(group);
    ok(CRONTAB.formatted(group, "a", "* * * * *", ""), "apply", "-f", "-");
    ok(CRONTAB.formatted(group, "b", "* * * * *", ""), "apply", "-f", "-");
    ok(null, "delete", "crd", "crontabs." + group, "--timeout=60s");
    assertThat(ok(null, "get", "crd", "-o", "name")).doesNotContain("crontabs." + group);
    Kubectl.Result raw =
        kubectl.run("get", "--raw", "/apis/" + group + "/v1/namespaces/default/crontabs");
    assertThat(raw.exitCode()).isNotZero();
    assertThat(raw.err()).contains("NotFound");
    // a new CRD of the same name starts empty: its resources went with the old one
    applyCrd(group);
    assertThat(ok(null, "get", "crontabs." + group, "-o", "name")).isEmpty();
  }

  @Test
  void aCrdStaysTerminatingUntilItsResourcesFinalizersAreRemoved() throws Exception {
    String group = "held.example.com";
    applyCrd(group);
    ok(
        CRONTAB
            .formatted(group, "held", "* * * * *", "")
            .replace("namespace: default}", "namespace: default, finalizers: [example.com/hold]}"),
        "apply",
        "-f",
        "-");
    ok(null, "delete", "crd", "crontabs." + group, "--wait=false");
    String reason = "jsonpath={.status.conditions[?(@.type==\"Terminating\")].reason}";
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (!ok(null, "get", "crd", "crontabs." + group, "-o", reason)
        .equals("InstanceDeletionInProgress")) {
      assertThat(Instant.now()).as("CRD Terminating").isBefore(deadline);
    }
    assertThat(
            ok(
                null,
                "get",
                "crontabs." + group,
                "held",
                "-o",
                "jsonpath={.metadata.deletionTimestamp}"))
        .isNotEmpty();
    Kubectl.Result refused =
        kubectl.runWithInput(
            CRONTAB.formatted(group, "late", "* * * * *", ""), "create", "-f", "-");
    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.err())
        .contains(
            "Error from server (MethodNotAllowed): error when creating \"STDIN\": create not"
                + " allowed while custom resource definition is terminating");

    ok(
        null,
        "patch",
        "crontabs." + group,
        "held",
        "--type=merge",
        "-p",
        "{\"metadata\":{\"finalizers\":null}}");
    ok(null, "wait", "--for=delete", "crd/crontabs." + group, "--timeout=60s");
    assertThat(ok(null, "get", "crd", "-o", "name")).doesNotContain("crontabs." + group);
  }
}
