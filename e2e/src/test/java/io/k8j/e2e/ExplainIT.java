package io.k8j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real {@code kubectl explain} against k8j's OpenAPI v3 documents: upstream's field
 * descriptions, required fields, nested types and the whole tree; and kubectl's strict field
 * validation, which it leaves to the server because the documents announce it.
 */
class ExplainIT {
  static K8jServer server;
  static Kubectl kubectl;

  @BeforeAll
  static void start() throws Exception {
    server = K8jServer.startControlPlane();
    kubectl = new Kubectl(server.kubeconfig());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** What kubectl printed, with its line wrapping undone. */
  static String explain(String... args) throws Exception {
    String[] all = new String[args.length + 1];
    all[0] = "explain";
    System.arraycopy(args, 0, all, 1, args.length);
    Kubectl.Result r = kubectl.run(all);
    assertThat(r.exitCode()).as("kubectl explain: %s", r.all()).isZero();
    return r.out().replaceAll("\\s+", " ");
  }

  @Test
  void explainDeploymentStrategyPrintsUpstreamsDescriptions() throws Exception {
    String out = explain("deployment.spec.strategy");
    assertThat(out)
        .contains("GROUP: apps")
        .contains("KIND: Deployment")
        .contains("FIELD: strategy <DeploymentStrategy>")
        .contains(
            "DESCRIPTION: The deployment strategy to use to replace existing pods with new ones."
                + " DeploymentStrategy describes how to replace existing pods with new ones.")
        .contains("rollingUpdate <RollingUpdateDeployment>")
        .contains(
            "type <string> Type of deployment. Can be \"Recreate\" or \"RollingUpdate\". Default"
                + " is RollingUpdate.");
  }

  @Test
  void explainContainerPortsShowsRequiredFieldsAndTheirDocs() throws Exception {
    String out = explain("pod.spec.containers.ports");
    assertThat(out)
        .contains("FIELD: ports <[]ContainerPort>")
        .contains("List of ports to expose from the container.")
        .contains(
            "containerPort <integer> -required- Number of port to expose on the pod's IP address.")
        .contains("protocol <string> Protocol for port. Must be UDP, TCP, or SCTP.");
  }

  @Test
  void explainRecursiveWalksTheWholeTree() throws Exception {
    String out = explain("pods", "--recursive");
    assertThat(out)
        .contains("Pod is a collection of containers that can run on a host.")
        .contains("containers <[]Container> -required-")
        .contains("livenessProbe <Probe>")
        .contains("creationTimestamp <string>");
  }

  @Test
  void strictValidationRejectsAnUnknownFieldNamingIt() throws Exception {
    Kubectl.Result r =
        kubectl.runWithInput(
            """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: strict-cm, namespace: default}
            data: {a: b}
            colour: red
            """,
            "apply",
            "--validate=strict",
            "-f",
            "-");
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.err()).contains("unknown field \"colour\"");
    assertThat(kubectl.run("get", "configmap", "strict-cm").exitCode()).isNotZero();
  }

  @Test
  void theProtobufOpenApiV2ServesExplainAndClientSidePatches() throws Exception {
    String out = explain("deployment.spec.strategy", "--output=plaintext-openapiv2");
    assertThat(out)
        .contains("KIND: Deployment")
        .contains("DeploymentStrategy describes how to replace existing pods with new ones.")
        .contains("rollingUpdate <Object>");

    java.nio.file.Path manifest = java.nio.file.Files.createTempFile("v2-apply", ".yaml");
    String deployment =
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: v2-apply, namespace: default}
        spec:
          selector: {matchLabels: {app: v2}}
          template:
            metadata: {labels: {app: v2}}
            spec:
              containers:
              - {name: web, image: nginx:1.27}
              - {name: side, image: %s}
        """;
    java.nio.file.Files.writeString(manifest, deployment.formatted("busybox:1"));
    Kubectl.Result created = kubectl.run("apply", "-f", manifest.toString());
    assertThat(created.exitCode()).as(created.all()).isZero();
    // a server-side sidecar env the manifest does not know: a strategic merge keeps it
    Kubectl.Result env = kubectl.run("set", "env", "deployment/v2-apply", "-c", "side", "A=1");
    assertThat(env.exitCode()).as(env.all()).isZero();
    java.nio.file.Files.writeString(manifest, deployment.formatted("busybox:2"));
    Kubectl.Result applied =
        kubectl.runWithEnv("KUBECTL_OPENAPIV3_PATCH", "false", "apply", "-f", manifest.toString());
    assertThat(applied.exitCode()).as(applied.all()).isZero();
    Kubectl.Result got =
        kubectl.run(
            "get",
            "deployment/v2-apply",
            "-o",
            "jsonpath={.spec.template.spec.containers[*].image} {.spec.template.spec.containers[1].env[0].value}");
    assertThat(got.out()).isEqualTo("nginx:1.27 busybox:2 1");
  }
}
