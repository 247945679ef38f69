package io.k8j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Admission and legacy tokens as a user sees them with the real kubectl, against {@code ./k8j
 * server} started with an AdmissionConfiguration: PodSecurity's defaults and exempt users, warnings
 * on workload templates, refused labels; a service-account token Secret filled by the controller
 * manager, whose token works until the Secret is deleted.
 */
class AdmissionIT {
  static K8jServer server;
  static Kubectl admin;
  static Path dir;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("k8j-admission");
    Path config = dir.resolve("admission.yaml");
    Files.writeString(
        config,
        """
        apiVersion: apiserver.config.k8s.io/v1
        kind: AdmissionConfiguration
        plugins:
        - name: PodSecurity
          configuration:
            apiVersion: pod-security.admission.config.k8s.io/v1
            kind: PodSecurityConfiguration
            defaults:
              enforce: baseline
            exemptions:
              usernames: [ci-bot]
        """);
    server =
        K8jServer.start("--disable-agent", "--admission-control-config-file", config.toString());
    admin = new Kubectl(server.kubeconfig());
    ok(admin.run("create", "namespace", "team"));
    Awaitility.await()
        .atMost(Duration.ofSeconds(180))
        .until(() -> admin.run("get", "serviceaccount", "default", "-n", "team").exitCode() == 0);
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

  private static final String PRIVILEGED_POD =
      """
      apiVersion: v1
      kind: Pod
      metadata: {name: %s, namespace: team}
      spec:
        containers:
        - name: c
          image: busybox
          securityContext: {privileged: true}
      """;

  @Test
  void theConfiguredDefaultLevelIsEnforcedExceptForExemptUsers() throws Exception {
    Kubectl.Result refused =
        admin.runWithInput(PRIVILEGED_POD.formatted("priv"), "apply", "-f", "-");
    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.err())
        .contains(
            "pods \"priv\" is forbidden: violates PodSecurity \"baseline:latest\": privileged"
                + " (container \"c\" must not set securityContext.privileged=true)");
    ok(
        admin.runWithInput(
            PRIVILEGED_POD.formatted("by-bot"),
            "create",
            "-f",
            "-",
            "--as=ci-bot",
            "--as-group=system:masters"));
  }

  @Test
  void workloadTemplatesAreWarnedAboutAndBadLabelsRefused() throws Exception {
    ok(admin.run("create", "namespace", "locked"));
    ok(admin.run("label", "namespace", "locked", "pod-security.kubernetes.io/enforce=restricted"));
    Kubectl.Result created =
        ok(admin.run("create", "deployment", "web", "--image=busybox", "-n", "locked"));
    assertThat(created.err())
        .contains(
            "Warning: would violate PodSecurity \"restricted:latest\": allowPrivilegeEscalation"
                + " != false (container \"busybox\" must set"
                + " securityContext.allowPrivilegeEscalation=false)");
    Kubectl.Result bad =
        admin.run("label", "namespace", "locked", "pod-security.kubernetes.io/warn=strict");
    assertThat(bad.exitCode()).isNotZero();
    assertThat(bad.err())
        .contains(
            "metadata.labels[pod-security.kubernetes.io/warn]: Invalid value: \"strict\": must be"
                + " one of privileged, baseline, restricted");
  }

  @Test
  void aTokenSecretIsFilledAndItsTokenWorksUntilTheSecretIsDeleted() throws Exception {
    ok(admin.run("create", "serviceaccount", "app", "-n", "team"));
    ok(
        admin.runWithInput(
            """
            apiVersion: v1
            kind: Secret
            metadata:
              name: app-token
              namespace: team
              annotations: {kubernetes.io/service-account.name: app}
            type: kubernetes.io/service-account-token
            """,
            "apply",
            "-f",
            "-"));
    Awaitility.await()
        .atMost(Duration.ofSeconds(180))
        .until(
            () ->
                !admin
                    .run("get", "secret", "app-token", "-n", "team", "-o", "jsonpath={.data.token}")
                    .out()
                    .isEmpty());
    String token =
        ok(admin.run(
                "get",
                "secret",
                "app-token",
                "-n",
                "team",
                "-o",
                "go-template={{.data.token | base64decode}}"))
            .out();
    assertThat(
            ok(admin.run(
                    "get",
                    "secret",
                    "app-token",
                    "-n",
                    "team",
                    "-o",
                    "go-template={{.data.namespace | base64decode}}"))
                .out())
        .isEqualTo("team");
    assertThat(
            ok(admin.run(
                    "get", "secret", "app-token", "-n", "team", "-o", "jsonpath={.data.ca\\.crt}"))
                .out())
        .isNotEmpty();
    Kubectl app = new Kubectl(tokenKubeconfig(token));
    assertThat(ok(app.run("auth", "whoami", "-o", "jsonpath={.status.userInfo.username}")).out())
        .isEqualTo("system:serviceaccount:team:app");
    Kubectl.Result denied = app.run("get", "secrets", "-n", "team");
    assertThat(denied.err())
        .contains(
            "User \"system:serviceaccount:team:app\" cannot list resource \"secrets\" in API group"
                + " \"\" in the namespace \"team\"");
    Kubectl.Result rejected =
        admin.run(
            "create",
            "secret",
            "generic",
            "x",
            "-n",
            "team",
            "--type=kubernetes.io/service-account-token");
    assertThat(rejected.err())
        .contains("metadata.annotations[kubernetes.io/service-account.name]: Required value");
    ok(admin.run("delete", "secret", "app-token", "-n", "team"));
    Awaitility.await()
        .atMost(Duration.ofSeconds(180))
        .untilAsserted(
            () ->
                assertThat(app.run("auth", "whoami").err())
                    .contains("You must be logged in to the server"));
  }

  /** A kubeconfig with the cluster of the admin's and only {@code token} as credentials. */
  private static Path tokenKubeconfig(String token) throws Exception {
    String admin = Files.readString(server.kubeconfig());
    Path file = dir.resolve("token.kubeconfig");
    Files.writeString(
        file,
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: k8j
          cluster: {server: %s, certificate-authority-data: %s}
        users:
        - name: app
          user: {token: %s}
        contexts:
        - name: app
          context: {cluster: k8j, user: app}
        current-context: app
        """
            .formatted(
                find(admin, "server: (\\S+)"),
                find(admin, "certificate-authority-data: (\\S+)"),
                token));
    return file;
  }

  private static String find(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertThat(m.find()).as(regex).isTrue();
    return m.group(1);
  }
}
