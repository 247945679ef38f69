package io.k8j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8j.testing.cluster.TestApiServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real kubectl's server-side apply against k8j: field managers, conflicts, forced takeovers,
 * removal of fields no longer applied, the migration from client-side apply, managedFields as
 * kubectl shows them, and strict field validation.
 */
class ServerSideApplyIT {
  static TestApiServer server;
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
        replicas: %d
        selector: {matchLabels: {app: %s}}
        template:
          metadata: {labels: {app: %s}}
          spec:
            containers:
            - name: web
              image: nginx:1.27
      """;

  @BeforeAll
  static void start() throws Exception {
    server = TestApiServer.start();
    kubectl = new Kubectl(server.kubeconfig());
    dir = Files.createTempDirectory("server-side-apply-it");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String deployment(String name, int replicas, boolean tier) {
    return DEPLOYMENT.formatted(name, name, tier ? ", tier: front" : "", replicas, name, name);
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
  void twoManagersConflictUntilOneForcesAndTheFieldChangesHands() throws Exception {
    assertThat(
            ok(
                deployment("cf", 1, false),
                "apply",
                "--server-side",
                "--field-manager=manager-a",
                "-f",
                "-"))
        .contains("deployment.apps/cf serverside-applied");

    Kubectl.Result conflict =
        kubectl.runWithInput(
            deployment("cf", 3, false),
            "apply",
            "--server-side",
            "--field-manager=manager-b",
            "-f",
            "-");
    assertThat(conflict.exitCode()).as(conflict.all()).isNotZero();
    assertThat(conflict.err())
        .contains("Apply failed with 1 conflict: conflict with \"manager-a\": .spec.replicas")
        .contains("Please review the fields above--they currently have other managers");
    assertThat(get("deploy/cf", "{.spec.replicas}")).isEqualTo("1");

    ok(
        deployment("cf", 3, false),
        "apply",
        "--server-side",
        "--field-manager=manager-b",
        "--force-conflicts",
        "-f",
        "-");
    assertThat(get("deploy/cf", "{.spec.replicas}")).isEqualTo("3");
    String managed = ok(null, "get", "deploy/cf", "-o", "yaml", "--show-managed-fields");
    String managerB = managed.substring(managed.indexOf("manager: manager-b") - 400);
    assertThat(managed).contains("manager: manager-a", "operation: Apply");
    assertThat(managerB).contains("f:replicas: {}");
    String managerA =
        managed.substring(managed.indexOf("fieldsV1:"), managed.indexOf("manager: manager-a"));
    assertThat(managerA).doesNotContain("f:replicas");

    // the former owner now conflicts with the new one
    Kubectl.Result back =
        kubectl.runWithInput(
            deployment("cf", 1, false),
            "apply",
            "--server-side",
            "--field-manager=manager-a",
            "-f",
            "-");
    assertThat(back.exitCode()).isNotZero();
    assertThat(back.err()).contains("conflict with \"manager-b\": .spec.replicas");
  }

  @Test
  void aFieldSharedByTwoManagersConflictsNamingBothUntilForced() throws Exception {
    ok(deployment("sh", 1, false), "apply", "--server-side", "--field-manager=owner-a", "-f", "-");
    // the same value applied by a second manager: no conflict, the field is shared
    ok(deployment("sh", 1, false), "apply", "--server-side", "--field-manager=owner-b", "-f", "-");

    Kubectl.Result conflict =
        kubectl.runWithInput(
            deployment("sh", 3, false),
            "apply",
            "--server-side",
            "--field-manager=owner-c",
            "-f",
            "-");
    assertThat(conflict.exitCode()).as(conflict.all()).isNotZero();
    assertThat(conflict.err())
        .contains(
            "Apply failed with 2 conflicts: conflicts with \"owner-a\":\n- .spec.replicas\n"
                + "conflicts with \"owner-b\":\n- .spec.replicas");
    assertThat(get("deploy/sh", "{.spec.replicas}")).isEqualTo("1");

    ok(
        deployment("sh", 3, false),
        "apply",
        "--server-side",
        "--field-manager=owner-c",
        "--force-conflicts",
        "-f",
        "-");
    assertThat(get("deploy/sh", "{.spec.replicas}")).isEqualTo("3");
    String owners =
        get(
            "deploy/sh",
            "{range .metadata.managedFields[*]}{.manager}={.fieldsV1.f:spec.f:replicas}{\"\\n\"}{end}");
    assertThat(owners.lines()).contains("owner-a=", "owner-b=", "owner-c={}");
  }

  @Test
  void aFieldNoLongerAppliedIsRemoved() throws Exception {
    ok(deployment("rm", 1, true), "apply", "--server-side", "-f", "-");
    assertThat(get("deploy/rm", "{.metadata.labels.tier}")).isEqualTo("front");
    ok(deployment("rm", 1, false), "apply", "--server-side", "-f", "-");
    assertThat(get("deploy/rm", "{.metadata.labels}")).doesNotContain("tier");
    assertThat(get("deploy/rm", "{.metadata.labels.app}")).isEqualTo("rm");
  }

  @Test
  void managedFieldsShowEveryManagerAndAreHiddenByDefault() throws Exception {
    ok(null, "create", "deployment", "mf", "--image=nginx:1.27");
    ok(null, "label", "deploy/mf", "team=blue");
    String yaml = ok(null, "get", "deploy/mf", "-o", "yaml", "--show-managed-fields");
    assertThat(yaml)
        .contains(
            "manager: kubectl-create",
            "manager: kubectl-label",
            "operation: Update",
            "fieldsType: FieldsV1",
            "k:{\"name\":\"nginx\"}:",
            "f:team: {}");
    assertThat(ok(null, "get", "deploy/mf", "-o", "yaml")).doesNotContain("managedFields");
  }

  @Test
  void serverSideApplyTakesOverFromClientSideApply() throws Exception {
    ok(deployment("mig", 1, true), "apply", "-f", "-");
    assertThat(get("deploy/mig", "{.metadata.managedFields[*].manager}"))
        .contains("kubectl-client-side-apply");
    assertThat(ok(deployment("mig", 2, false), "apply", "--server-side", "-f", "-"))
        .contains("deployment.apps/mig serverside-applied");
    assertThat(get("deploy/mig", "{.spec.replicas}")).isEqualTo("2");
    assertThat(get("deploy/mig", "{.metadata.labels}")).doesNotContain("tier");
    String managers = get("deploy/mig", "{.metadata.managedFields[*].manager}");
    assertThat(managers).contains("kubectl").doesNotContain("kubectl-client-side-apply");
  }

  @Test
  void serverDryRunStoresNothing() throws Exception {
    ok(deployment("dry", 1, false), "apply", "--server-side", "-f", "-");
    assertThat(
            ok(
                deployment("dry", 4, false),
                "apply",
                "--server-side",
                "--dry-run=server",
                "-f",
                "-"))
        .contains("deployment.apps/dry serverside-applied (server dry run)");
    assertThat(get("deploy/dry", "{.spec.replicas}")).isEqualTo("1");
    ok(deployment("dry-new", 1, false), "apply", "--server-side", "--dry-run=server", "-f", "-");
    Kubectl.Result absent = kubectl.run("get", "deploy/dry-new");
    assertThat(absent.exitCode()).isNotZero();
    assertThat(absent.err()).contains("not found");
  }

  @Test
  void strictValidationNamesTheUnknownFieldsAndWarnDropsThem() throws Exception {
    String unknown = deployment("st", 1, false).replace("  replicas: 1", "  replicas: 1\n  foo: 1");
    Kubectl.Result create = kubectl.runWithInput(unknown, "create", "-f", "-");
    assertThat(create.exitCode()).isNotZero();
    assertThat(create.err())
        .contains(
            "Error from server (BadRequest)",
            "Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding"
                + " error: unknown field \"spec.foo\"");

    Kubectl.Result apply = kubectl.runWithInput(unknown, "apply", "--server-side", "-f", "-");
    assertThat(apply.exitCode()).isNotZero();
    assertThat(apply.err()).contains(".spec.foo: field not declared in schema");

    Kubectl.Result warn = kubectl.runWithInput(unknown, "create", "--validate=warn", "-f", "-");
    assertThat(warn.exitCode()).as(warn.all()).isZero();
    assertThat(warn.err()).contains("Warning: unknown field \"spec.foo\"");
    assertThat(get("deploy/st", "{.spec}")).contains("replicas").doesNotContain("foo");
    String patched = deployment("st", 2, false).replace("  replicas: 2", "  replicas: 2\n  bar: 1");
    Kubectl.Result warnPatch = kubectl.runWithInput(patched, "apply", "--validate=warn", "-f", "-");
    assertThat(warnPatch.exitCode()).as(warnPatch.all()).isZero();
    assertThat(warnPatch.err()).contains("Warning: unknown field \"spec.bar\"");
    assertThat(get("deploy/st", "{.spec.replicas}")).isEqualTo("2");
    assertThat(get("deploy/st", "{.spec}")).doesNotContain("bar");

    Path dup = dir.resolve("dup.json");
    Files.writeString(
        dup,
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"dup\"},"
            + "\"data\":{\"a\":\"1\"},\"data\":{\"a\":\"2\"}}");
    Kubectl.Result raw =
        kubectl.run(
            "create",
            "--raw",
            "/api/v1/namespaces/default/configmaps?fieldValidation=Strict",
            "-f",
            dup.toString());
    assertThat(raw.exitCode()).isNotZero();
    assertThat(raw.err()).contains("duplicate field \"data\"");
  }

  private static final String LISTENER_CRD =
      """
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata: {name: gateways.ssa.example.com}
      spec:
        group: ssa.example.com
        scope: Namespaced
        names: {plural: gateways, singular: gateway, kind: Gateway}
        versions:
        - name: v1
          served: true
          storage: true
          schema:
            openAPIV3Schema:
              type: object
              properties:
                spec:
                  type: object
                  properties:
                    listeners:
                      type: array
                      x-kubernetes-list-type: map
                      x-kubernetes-list-map-keys: [name]
                      items:
                        type: object
                        required: [name]
                        properties:
                          name: {type: string}
                          port: {type: integer}
                    hosts:
                      type: array
                      items: {type: string}
      """;

  private static final String GATEWAY =
      """
      apiVersion: ssa.example.com/v1
      kind: Gateway
      metadata: {name: gw, namespace: default}
      spec:
        listeners:
        - {name: %s, port: %d}
        hosts: [%s]
      """;

  @Test
  void customResourceListsMergeByTheirSchemasListMapKeys() throws Exception {
    ok(LISTENER_CRD, "apply", "-f", "-");
    ok(null, "wait", "--for=condition=Established", "crd/gateways.ssa.example.com");
    java.time.Instant deadline = java.time.Instant.now().plusSeconds(60);
    while (kubectl.run("get", "gateways").exitCode() != 0) {
      assertThat(java.time.Instant.now()).as("gateways served").isBefore(deadline);
    }
    ok(
        GATEWAY.formatted("http", 80, "a.example"),
        "apply",
        "--server-side",
        "--field-manager=team-a",
        "-f",
        "-");
    ok(
        GATEWAY.formatted("https", 443, "a.example"),
        "apply",
        "--server-side",
        "--field-manager=team-b",
        "-f",
        "-");
    assertThat(get("gateway/gw", "{.spec.listeners[*].name}")).isEqualTo("http https");
    assertThat(ok(null, "get", "gateway/gw", "--show-managed-fields", "-o", "json"))
        .contains("k:{\\\"name\\\":\\\"http\\\"}")
        .contains("k:{\\\"name\\\":\\\"https\\\"}");

    Kubectl.Result conflict =
        kubectl.runWithInput(
            GATEWAY.formatted("http", 8080, "a.example"),
            "apply",
            "--server-side",
            "--field-manager=team-b",
            "-f",
            "-");
    assertThat(conflict.exitCode()).isNotZero();
    assertThat(conflict.err())
        .contains("conflict with \"team-a\": .spec.listeners[name=\"http\"].port");

    Kubectl.Result hosts =
        kubectl.runWithInput(
            GATEWAY.formatted("https", 443, "b.example"),
            "apply",
            "--server-side",
            "--field-manager=team-b",
            "-f",
            "-");
    assertThat(hosts.exitCode()).isNotZero();
    assertThat(hosts.err()).contains("conflict with \"team-a\": .spec.hosts");
  }

  @Test
  void updateManagersBeyondTenMergeIntoAncientChanges() throws Exception {
    ok(null, "create", "configmap", "many-managers");
    for (int i = 0; i < 12; i++) {
      ok(
          null,
          "label",
          "configmap",
          "many-managers",
          "l" + i + "=v",
          "--field-manager=labeller-" + i);
    }
    String managers =
        ok(
            null,
            "get",
            "configmap/many-managers",
            "--show-managed-fields",
            "-o",
            "jsonpath={.metadata.managedFields[*].manager}");
    assertThat(managers.split(" "))
        .hasSize(10)
        .contains("ancient-changes", "labeller-11")
        .doesNotContain("kubectl-create", "labeller-0");
    assertThat(get("configmap/many-managers", "{.metadata.labels.l0}")).isEqualTo("v");
  }
}
