package io.k8j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8j.apiserver.auth.ClusterPki;
import io.k8j.apiserver.auth.Identity;
import io.k8j.store.KeyValue;
import io.k8j.store.RangeRequest;
import io.k8j.store.embedded.EmbeddedStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Who may do what, against {@code ./k8j server} started with encryption at rest and an audit
 * policy, driven by the real kubectl: {@code auth can-i} agrees with what requests get, escalation,
 * a kubelet reaching for another node's secret, a quota, the restricted Pod Security level, and a
 * store that holds no secret in clear text.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AccessControlIT {
  static final String SECRET_VALUE = "s3cr3t-value-in-clear";
  static K8jServer server;
  static Kubectl admin;
  static Path dir;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("k8j-access-control");
    Path encryption = dir.resolve("encryption.yaml");
    Files.writeString(
        encryption,
        """
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
          - resources: [secrets]
            providers:
              - aesgcm:
                  keys:
                    - name: key1
                      secret: %s
              - identity: {}
        """
            .formatted(
                Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes())));
    Path policy = dir.resolve("audit-policy.yaml");
    Files.writeString(
        policy,
        """
        apiVersion: audit.k8s.io/v1
        kind: Policy
        rules:
          - level: Metadata
            resources:
              - group: ""
                resources: ["secrets"]
        """);
    server =
        K8jServer.start(
            "--disable-agent",
            "--encryption-provider-config",
            encryption.toString(),
            "--audit-policy-file",
            policy.toString(),
            "--audit-log-path",
            dir.resolve("audit.log").toString());
    admin = new Kubectl(server.kubeconfig());
    ok(admin.run("create", "namespace", "team-a"));
    ok(
        admin.run(
            "create",
            "rolebinding",
            "alice-edit",
            "--clusterrole=edit",
            "--user=alice",
            "-n",
            "team-a"));
    ok(
        admin.run(
            "create",
            "rolebinding",
            "bob-view",
            "--clusterrole=view",
            "--user=bob",
            "-n",
            "team-a"));
    ok(
        admin.run(
            "create",
            "rolebinding",
            "dave-admin",
            "--clusterrole=admin",
            "--user=dave",
            "-n",
            "team-a"));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static Kubectl.Result ok(Kubectl.Result r) {
    assertThat(r.exitCode()).as(r.all()).isZero();
    return r;
  }

  /** What a user may do per can-i, and what the same request gets. */
  @ParameterizedTest(name = "{0} {1} {2} in {3}: {4}")
  @Order(1)
  @CsvSource({
    "alice, list, secrets, team-a, yes",
    "alice, create, configmaps, team-a, yes",
    "alice, create, roles, team-a, no",
    "alice, list, pods, default, no",
    "bob, list, pods, team-a, yes",
    "bob, create, configmaps, team-a, no",
    "bob, list, secrets, team-a, no",
    "carol, list, pods, team-a, no",
    "dave, create, roles, team-a, yes",
  })
  void canIAgreesWithWhatRequestsGet(
      String user, String verb, String resource, String ns, String expected) throws Exception {
    Kubectl.Result canI = admin.run("auth", "can-i", verb, resource, "-n", ns, "--as", user);
    assertThat(canI.out().strip()).as(canI.all()).isEqualTo(expected);
    Kubectl.Result actual =
        switch (verb + " " + resource) {
          case "list secrets", "list pods" -> admin.run("get", resource, "-n", ns, "--as", user);
          case "create configmaps" ->
              admin.run("create", "configmap", "cm-" + user, "-n", ns, "--as", user);
          case "create roles" ->
              admin.run(
                  "create",
                  "role",
                  "r-" + user,
                  "--verb=get",
                  "--resource=pods",
                  "-n",
                  ns,
                  "--as",
                  user);
          default -> throw new IllegalArgumentException(verb + " " + resource);
        };
    if (expected.equals("yes")) {
      assertThat(actual.exitCode()).as(actual.all()).isZero();
    } else {
      assertThat(actual.exitCode()).isNotZero();
      assertThat(actual.err())
          .contains(
              "is forbidden: User \""
                  + user
                  + "\" cannot "
                  + verb
                  + " resource \""
                  + resource
                  + "\" in API group");
    }
  }

  @Test
  @Order(2)
  void whoamiAndCanIListTellTheTruth() throws Exception {
    assertThat(ok(admin.run("auth", "whoami", "--as", "bob")).out()).contains("bob");
    String rules = ok(admin.run("auth", "can-i", "--list", "-n", "team-a", "--as", "bob")).out();
    assertThat(rules).contains("pods ").doesNotContain("secrets");
  }

  @Test
  @Order(3)
  void grantingOrBindingMoreThanHeldIsForbidden() throws Exception {
    Kubectl.Result role =
        admin.run(
            "create",
            "role",
            "nodes",
            "--verb=list",
            "--resource=nodes",
            "-n",
            "team-a",
            "--as",
            "dave");
    assertThat(role.exitCode()).isNotZero();
    assertThat(role.err())
        .contains(
            "roles.rbac.authorization.k8s.io \"nodes\" is forbidden: user \"dave\" (groups=[\"system:authenticated\"])"
                + " is attempting to grant RBAC permissions not currently held:")
        .contains("{APIGroups:[\"\"], Resources:[\"nodes\"], Verbs:[\"list\"]}");
    Kubectl.Result binding =
        admin.run(
            "create",
            "rolebinding",
            "root",
            "--clusterrole=cluster-admin",
            "--user=dave",
            "-n",
            "team-a",
            "--as",
            "dave");
    assertThat(binding.exitCode()).isNotZero();
    assertThat(binding.err())
        .contains("rolebindings.rbac.authorization.k8s.io \"root\" is forbidden: user \"dave\"");
  }

  @Test
  @Order(4)
  void aKubeletReadsOnlyTheSecretsOfItsOwnPods() throws Exception {
    for (String n : List.of("n1", "n2")) {
      ok(
          admin.run(
              "create",
              "secret",
              "generic",
              "s-" + n,
              "--from-literal=k=" + SECRET_VALUE,
              "-n",
              "team-a"));
      ok(
          admin.runWithInput(
              """
              apiVersion: v1
              kind: Pod
              metadata: {name: p-%1$s, namespace: team-a}
              spec:
                nodeName: %1$s
                containers:
                  - name: c
                    image: busybox
                    envFrom: [{secretRef: {name: s-%1$s}}]
              """
                  .formatted(n),
              "create",
              "-f",
              "-"));
    }
    ClusterPki pki = ClusterPki.loadOrCreate(server.dataDir().resolve("pki"), List.of());
    Path file = dir.resolve("n1.kubeconfig");
    pki.writeKubeconfig(Identity.node("n1"), "https://127.0.0.1:" + server.port(), file);
    Kubectl kubelet = new Kubectl(file);
    ok(kubelet.run("get", "secret", "s-n1", "-n", "team-a"));
    Kubectl.Result other = kubelet.run("get", "secret", "s-n2", "-n", "team-a");
    assertThat(other.exitCode()).isNotZero();
    assertThat(other.err())
        .contains(
            "secrets \"s-n2\" is forbidden: User \"system:node:n1\" cannot get resource \"secrets\""
                + " in API group \"\" in the namespace \"team-a\": no relationship found between"
                + " node 'n1' and this object");
    ok(
        admin.runWithInput(
            "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"n2\"}}",
            "create",
            "-f",
            "-"));
    Kubectl.Result node = kubelet.run("label", "node", "n2", "x=y");
    assertThat(node.exitCode()).isNotZero();
    assertThat(node.err())
        .contains("nodes \"n2\" is forbidden: node \"n1\" is not allowed to modify node \"n2\"");
  }

  @Test
  @Order(5)
  void aCreateBeyondTheQuotaIsForbiddenNamingTheQuota() throws Exception {
    ok(admin.run("create", "namespace", "quota"));
    ok(admin.run("create", "quota", "q", "--hard=pods=1", "-n", "quota"));
    ok(admin.run("run", "p1", "--image=busybox", "-n", "quota"));
    Kubectl.Result second = admin.run("run", "p2", "--image=busybox", "-n", "quota");
    assertThat(second.exitCode()).isNotZero();
    assertThat(second.err())
        .contains(
            "Error from server (Forbidden): pods \"p2\" is forbidden: exceeded quota: q,"
                + " requested: pods=1, used: pods=1, limited: pods=1");
    assertThat(
            ok(admin.run("get", "quota", "q", "-n", "quota", "-o", "jsonpath={.status.used.pods}"))
                .out())
        .isEqualTo("1");
  }

  @Test
  @Order(6)
  void aPodViolatingRestrictedIsRejectedWithTheReasons() throws Exception {
    ok(admin.run("create", "namespace", "locked"));
    ok(
        admin.run(
            "label",
            "namespace",
            "locked",
            "pod-security.kubernetes.io/enforce=restricted",
            "pod-security.kubernetes.io/warn=restricted"));
    Kubectl.Result bad = admin.run("run", "bad", "--image=busybox", "-n", "locked");
    assertThat(bad.exitCode()).isNotZero();
    assertThat(bad.err())
        .contains(
            "pods \"bad\" is forbidden: violates PodSecurity \"restricted:latest\":"
                + " allowPrivilegeEscalation != false (container \"bad\" must set"
                + " securityContext.allowPrivilegeEscalation=false), unrestricted capabilities"
                + " (container \"bad\" must set securityContext.capabilities.drop=[\"ALL\"]),"
                + " runAsNonRoot != true (pod or container \"bad\" must set"
                + " securityContext.runAsNonRoot=true), seccompProfile (pod or container \"bad\""
                + " must set securityContext.seccompProfile.type to \"RuntimeDefault\" or"
                + " \"Localhost\")");
    ok(
        admin.runWithInput(
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: good, namespace: locked}
            spec:
              securityContext: {runAsNonRoot: true, runAsUser: 1000, seccompProfile: {type: RuntimeDefault}}
              containers:
                - name: c
                  image: busybox
                  securityContext:
                    allowPrivilegeEscalation: false
                    capabilities: {drop: [ALL]}
            """,
            "create",
            "-f",
            "-"));
  }

  @Test
  @Order(7)
  void theStoreHoldsNoSecretInClearText() throws Exception {
    assertThat(
            ok(admin.run("get", "secret", "s-n1", "-n", "team-a", "-o", "jsonpath={.data.k}"))
                .out())
        .isEqualTo(Base64.getEncoder().encodeToString(SECRET_VALUE.getBytes()));
    String audit = Files.readString(dir.resolve("audit.log"));
    assertThat(audit).contains("\"resource\":\"secrets\"").doesNotContain(SECRET_VALUE);
    server.stop();
    EmbeddedStore store = EmbeddedStore.open(server.dataDir().resolve("db"));
    try {
      List<KeyValue> secrets = store.range(RangeRequest.prefix("/registry/secrets/")).kvs();
      assertThat(secrets).hasSizeGreaterThanOrEqualTo(2);
      for (KeyValue kv : secrets) {
        String raw = new String(kv.value(), StandardCharsets.ISO_8859_1);
        assertThat(raw).startsWith("k8s:enc:aesgcm:v1:key1:");
        assertThat(raw)
            .doesNotContain(SECRET_VALUE)
            .doesNotContain(Base64.getEncoder().encodeToString(SECRET_VALUE.getBytes()));
      }
    } finally {
      store.close();
    }
  }
}
