package io.k8j.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The real kubectl 1.32 against a cluster started with {@code ./k8j server}: what users type and
 * see.
 */
class KubectlIT {
  static K8jServer server;
  static Kubectl kubectl;
  static Path dir;

  @BeforeAll
  static void start() throws Exception {
    server = K8jServer.startControlPlane();
    kubectl = new Kubectl(server.kubeconfig());
    dir = Files.createTempDirectory("kubectl-it");
    Files.writeString(dir.resolve("every-kind.yaml"), resource("every-kind.yaml"));
    String file = dir.resolve("every-kind.yaml").toString();
    Kubectl.Result r = kubectl.run("create", "-f", file);
    if (r.exitCode() != 0 && r.err().contains("serviceaccount \"default\" not found")) {
      // as on any cluster, a pod right behind its new namespace in one file can come before the
      // service account controller has made the namespace's default account: wait, then again
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> kubectl.run("get", "serviceaccount", "default", "-n", "kinds").exitCode() == 0);
      r = kubectl.run("create", "-f", file);
      assertThat(
              r.err()
                  .lines()
                  .filter(l -> l.startsWith("Error") && !l.contains("(AlreadyExists)"))
                  .toList())
          .as(r.all())
          .isEmpty();
    } else {
      assertThat(r.exitCode()).as(r.all()).isZero();
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String resource(String name) throws Exception {
    try (var in = Objects.requireNonNull(KubectlIT.class.getResourceAsStream("/" + name))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static String ok(String... args) throws Exception {
    Kubectl.Result r = kubectl.run(args);
    assertThat(r.exitCode()).as("kubectl %s: %s", String.join(" ", args), r.all()).isZero();
    return r.out();
  }

  static String header(String out) {
    return out.lines().findFirst().orElse("").replaceAll("\\s+", " ").trim();
  }

  @Test
  void versionShowsTheServer() throws Exception {
    assertThat(ok("version")).contains("Server Version: v1.32.0-k8j");
  }

  @Test
  void apiResourcesListsShortNamesGroupsAndScopes() throws Exception {
    String out = ok("api-resources");
    assertThat(out.lines().map(l -> l.replaceAll("\\s+", " ").trim()))
        .contains(
            "pods po v1 true Pod",
            "namespaces ns v1 false Namespace",
            "deployments deploy apps/v1 true Deployment",
            "horizontalpodautoscalers hpa autoscaling/v2 true HorizontalPodAutoscaler",
            "clusterroles rbac.authorization.k8s.io/v1 false ClusterRole");
  }

  @Test
  void theSystemNamespacesExistFromTheStart() throws Exception {
    String out = ok("get", "ns");
    for (String ns : List.of("default", "kube-system", "kube-public", "kube-node-lease")) {
      assertThat(out).containsPattern("(?m)^" + ns + "\\s+Active\\s");
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "po|NAME READY STATUS RESTARTS AGE",
        "svc|NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE",
        "ep|NAME ENDPOINTS AGE",
        "cm|NAME DATA AGE",
        "secrets|NAME TYPE DATA AGE",
        "ev|LAST SEEN TYPE REASON OBJECT MESSAGE",
        "sa|NAME SECRETS AGE",
        "pvc|NAME STATUS VOLUME CAPACITY ACCESS MODES STORAGECLASS VOLUMEATTRIBUTESCLASS AGE",
        "limits|NAME CREATED AT",
        "quota|NAME AGE REQUEST LIMIT",
        "rc|NAME DESIRED CURRENT READY AGE",
        "deploy|NAME READY UP-TO-DATE AVAILABLE AGE",
        "rs|NAME DESIRED CURRENT READY AGE",
        "sts|NAME READY AGE",
        "ds|NAME DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE SELECTOR AGE",
        "controllerrevisions|NAME CONTROLLER REVISION AGE",
        "jobs|NAME STATUS COMPLETIONS DURATION AGE",
        "cj|NAME SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE AGE",
        "hpa|NAME REFERENCE TARGETS MINPODS MAXPODS REPLICAS AGE",
        "leases|NAME HOLDER AGE",
        "endpointslices|NAME ADDRESSTYPE PORTS ENDPOINTS AGE",
        "events.events.k8s.io|LAST SEEN TYPE REASON OBJECT MESSAGE",
        "pdb|NAME MIN AVAILABLE MAX UNAVAILABLE ALLOWED DISRUPTIONS AGE",
        "roles|NAME CREATED AT",
        "rolebindings|NAME ROLE AGE",
        "no|NAME STATUS ROLES AGE VERSION",
        "pv|NAME CAPACITY ACCESS MODES RECLAIM POLICY STATUS CLAIM STORAGECLASS VOLUMEATTRIBUTESCLASS REASON AGE",
        "sc|NAME PROVISIONER RECLAIMPOLICY VOLUMEBINDINGMODE ALLOWVOLUMEEXPANSION AGE",
        "clusterroles|NAME CREATED AT",
        "clusterrolebindings|NAME ROLE AGE",
      })
  void everyKindPrintsTheColumnsKubectlUsersKnow(String kind, String columns) throws Exception {
    String out = ok("get", kind, "-n", "kinds");
    assertThat(header(out)).isEqualTo(columns);
    assertThat(out.lines().count()).isGreaterThan(1);
  }

  @Test
  void wideAllNamespacesLabelsAndMachineFormats() throws Exception {
    assertThat(header(ok("get", "pods", "-A", "-o", "wide")))
        .isEqualTo(
            "NAMESPACE NAME READY STATUS RESTARTS AGE IP NODE NOMINATED NODE READINESS GATES");
    assertThat(ok("get", "pods", "-n", "kinds", "--show-labels"))
        .containsPattern("p1\\s+0/1\\s+Pending.*app=web");
    assertThat(ok("get", "pod", "p1", "-n", "kinds", "-o", "yaml"))
        .contains("kind: Pod", "name: p1", "restartPolicy: Always");
    assertThat(ok("get", "pod", "p1", "-n", "kinds", "-o", "json")).contains("\"kind\": \"Pod\"");
    assertThat(ok("get", "svc", "s1", "-n", "kinds", "-o", "jsonpath={.spec.clusterIP}"))
        .startsWith("10.43.");
    assertThat(ok("get", "cm", "-n", "kinds", "-o", "custom-columns=NAME:.metadata.name,A:.data.a"))
        .containsPattern("(?m)^c1\\s+1$");
    // a node that never posted a status: Unknown, and NotReady once the node lifecycle controller
    // of ./k8j server has marked its Ready condition Unknown after the start-up grace period
    assertThat(ok("get", "nodes"))
        .containsPattern("(?m)^n1\\s+(Unknown|NotReady)\\s+control-plane\\s");
    assertThat(ok("get", "all", "-n", "kinds"))
        .contains("pod/p1", "service/s1", "deployment.apps/d1", "cronjob.batch/cj1");
    assertThat(ok("get", "--raw", "/api/v1/namespaces/kinds"))
        .startsWith("{\"kind\":\"Namespace\",\"apiVersion\":\"v1\"");
  }

  @Test
  void createFromJsonAndMultiDocumentYamlThenDeleteWaits() throws Exception {
    Path json = dir.resolve("cm.json");
    Files.writeString(
        json,
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"from-json\"},\"data\":{\"x\":\"y\"}}");
    assertThat(ok("create", "-f", json.toString())).isEqualTo("configmap/from-json created\n");
    Path yaml = dir.resolve("two.yaml");
    Files.writeString(
        yaml,
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: doc1}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: doc2}\nstringData: {a: b}\n");
    assertThat(ok("create", "-f", yaml.toString()))
        .isEqualTo("configmap/doc1 created\nsecret/doc2 created\n");
    assertThat(ok("get", "secret", "doc2", "-o", "jsonpath={.data.a}")).isEqualTo("Yg==");
    assertThat(ok("delete", "-f", yaml.toString()))
        .isEqualTo("configmap \"doc1\" deleted\nsecret \"doc2\" deleted\n");
    assertThat(kubectl.run("get", "cm", "doc1").all())
        .contains("Error from server (NotFound): configmaps \"doc1\" not found");
  }

  @Test
  void labelAndAnnotate() throws Exception {
    ok("create", "configmap", "tagged");
    assertThat(ok("label", "cm", "tagged", "tier=fe")).isEqualTo("configmap/tagged labeled\n");
    assertThat(ok("annotate", "cm", "tagged", "note=hi")).isEqualTo("configmap/tagged annotated\n");
    assertThat(ok("get", "cm", "-l", "tier=fe", "-o", "name")).isEqualTo("configmap/tagged\n");
    assertThat(ok("get", "cm", "-l", "tier in (be,db)", "-o", "name")).isEmpty();
    assertThat(ok("get", "cm", "tagged", "-o", "jsonpath={.metadata.annotations.note}"))
        .isEqualTo("hi");
  }

  @Test
  void getWatchSeesAddedModifiedDeletedWithoutReplay() throws Exception {
    ok("create", "namespace", "watched");
    ok("create", "configmap", "old", "-n", "watched");
    Process watch = kubectl.start("get", "cm", "-n", "watched", "-w", "--output-watch-events");
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(watch.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  lines.add(line.replaceAll("\\s+", " ").trim());
                }
              } catch (Exception ignored) {
                // the process was stopped by the test
              }
            });
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> lines.stream().anyMatch(l -> l.startsWith("ADDED old")));
      ok("create", "configmap", "new", "-n", "watched");
      ok("label", "cm", "new", "-n", "watched", "x=y");
      ok("delete", "cm", "new", "-n", "watched");
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> lines.stream().anyMatch(l -> l.startsWith("DELETED new")));
      // the root CA publisher puts kube-root-ca.crt into every namespace, as upstream's
      assertThat(
              lines.stream()
                  .map(l -> l.split(" ")[0] + " " + l.split(" ")[1])
                  .filter(l -> !l.endsWith(" kube-root-ca.crt"))
                  .toList())
          .containsExactly("EVENT NAME", "ADDED old", "ADDED new", "MODIFIED new", "DELETED new");
    } finally {
      watch.destroy();
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "invalid name|apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: Bad_Name\\n"
            + "|The ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of",
        "missing required field|apiVersion: v1\\nkind: Pod\\nmetadata:\\n  name: nocontainers\\nspec: {}\\n"
            + "|The Pod \"nocontainers\" is invalid: spec.containers: Required value",
        "wrong type|apiVersion: apps/v1\\nkind: Deployment\\nmetadata:\\n  name: d\\nspec:\\n  replicas: many\\n"
            + "|Error from server (BadRequest): error when creating \"STDIN\": Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32",
        "unknown field|apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: u\\nspec:\\n  foo: 1\\n"
            + "|Error from server (BadRequest): error when creating \"STDIN\": ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: unknown field \"spec\"",
        "namespace missing|apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: c\\n  namespace: nowhere\\n"
            + "|Error from server (NotFound): error when creating \"STDIN\": namespaces \"nowhere\" not found",
        "unknown kind|apiVersion: v1\\nkind: Foo\\nmetadata:\\n  name: x\\n"
            + "|error: resource mapping not found for name: \"x\" namespace: \"\" from \"STDIN\": no matches for kind \"Foo\" in version \"v1\"",
        "malformed yaml|apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: [x\\n"
            + "|error: error parsing STDIN: error converting YAML to JSON: yaml: line 4: did not find expected ',' or ']'",
        "already exists|apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: c1\\n  namespace: kinds\\n"
            + "|Error from server (AlreadyExists): error when creating \"STDIN\": configmaps \"c1\" already exists",
      })
  void badInputsGetTheErrorsKubectlPrintsForUpstream(String what, String manifest, String error)
      throws Exception {
    Kubectl.Result r = kubectl.runWithInput(manifest.replace("\\n", "\n"), "create", "-f", "-");
    assertThat(r.exitCode()).as(what).isNotZero();
    assertThat(r.err()).as(what).contains(error);
  }

  @Test
  void aStaleReplaceIsAConflict() throws Exception {
    ok("create", "configmap", "stale");
    String yaml = ok("get", "cm", "stale", "-o", "yaml");
    ok("label", "cm", "stale", "changed=yes");
    Kubectl.Result r = kubectl.runWithInput(yaml, "replace", "-f", "-");
    assertThat(r.err())
        .contains(
            "Error from server (Conflict): error when replacing \"STDIN\": Operation cannot be fulfilled on configmaps \"stale\": the object has been modified; please apply your changes to the latest version and try again");
  }

  @Test
  void aTooLargeBodyIs413() throws Exception {
    String manifest =
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: huge\ndata:\n  a: "
            + "x".repeat(3_200_000)
            + "\n";
    Kubectl.Result r = kubectl.runWithInput(manifest, "create", "-f", "-");
    assertThat(r.err())
        .contains(
            "Error from server (RequestEntityTooLarge): error when creating \"STDIN\": Request entity too large: limit is 3145728");
  }

  @Test
  void scaleAndTypedCreateCommands() throws Exception {
    assertThat(ok("create", "deployment", "web", "--image=nginx:1.25", "--replicas=2"))
        .isEqualTo("deployment.apps/web created\n");
    assertThat(ok("scale", "deployment", "web", "--replicas=4"))
        .isEqualTo("deployment.apps/web scaled\n");
    assertThat(ok("get", "deploy", "web", "-o", "jsonpath={.spec.replicas}/{.metadata.generation}"))
        .isEqualTo("4/2");
    assertThat(ok("create", "secret", "generic", "creds", "--from-literal=user=admin"))
        .isEqualTo("secret/creds created\n");
    assertThat(ok("get", "secret", "creds", "-o", "jsonpath={.data.user}")).isEqualTo("YWRtaW4=");
  }

  @Test
  void deletingANamespaceMakesItTerminating() throws Exception {
    ok("create", "namespace", "doomed");
    ok("delete", "namespace", "doomed", "--wait=false");
    assertThat(ok("get", "ns", "doomed")).containsPattern("doomed\\s+Terminating");
    assertThat(kubectl.run("create", "configmap", "late", "-n", "doomed").err())
        .contains(
            "configmaps \"late\" is forbidden: unable to create new content in namespace doomed because it is being terminated");
  }

  @Test
  void anUnsupportedFieldSelectorIsRejected() throws Exception {
    assertThat(kubectl.run("get", "pods", "--field-selector", "spec.bogus=x").err())
        .contains(
            "Error from server (BadRequest): Unable to find \"/v1, Resource=pods\" that match label selector \"\", field selector \"spec.bogus=x\": field label not supported: spec.bogus");
    assertThat(ok("get", "pods", "-A", "--field-selector", "status.phase=Pending")).contains("p1");
  }
}
