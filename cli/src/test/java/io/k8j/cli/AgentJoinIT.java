package io.k8j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.k8j.apiserver.auth.BootstrapToken;
import io.k8j.kubelet.RuntimeKind;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * A server (simulated runtime) and agents joining it on loopback, each agent with its own data dir
 * and kubelet port: the join token, the CSR approved and signed by the controller manager, the node
 * Ready; wrong, expired and deleted tokens and a wrong CA hash refused with one line.
 */
class AgentJoinIT {
  static Path dir;
  static ServerComponents server;
  static KubernetesClient admin;
  static String url;

  @BeforeAll
  static void startServer() throws Exception {
    dir = Files.createTempDirectory("k8j-join");
    ServerCommand cmd = new ServerCommand();
    cmd.dataDir = dir.resolve("server");
    cmd.httpsPort = freePort();
    cmd.bindAddress = "127.0.0.1";
    simulatedNode(cmd.node, "join-server");
    Files.createDirectories(cmd.dataDir);
    server = ServerComponents.start(cmd);
    url = "https://127.0.0.1:" + cmd.httpsPort;
    admin =
        new KubernetesClientBuilder()
            .withConfig(
                Config.fromKubeconfig(Files.readString(cmd.dataDir.resolve("admin.kubeconfig"))))
            .build();
  }

  @AfterAll
  static void stop() {
    if (admin != null) {
      admin.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private static void simulatedNode(NodeFlags node, String name) {
    node.nodeName = name;
    node.runtime = RuntimeKind.SIMULATED;
    node.clusterDnsPort = 0;
    node.kubeletPort = 0;
    node.disableKubeProxy = true;
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Runs {@code k8j args...}; returns the exit code, with stdout and stderr. */
  private static Run k8j(String... args) {
    StringWriter out = new StringWriter();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream oldErr = System.err;
    int code;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      CommandLine cmd = new CommandLine(new Main());
      cmd.setOut(new PrintWriter(out, true));
      code = cmd.execute(args);
    } finally {
      System.setErr(oldErr);
    }
    return new Run(code, out.toString().strip(), err.toString(StandardCharsets.UTF_8).strip());
  }

  record Run(int code, String out, String err) {}

  private static String createToken(String... more) {
    String[] args = new String[3 + more.length];
    args[0] = "token";
    args[1] = "create";
    args[2] = "--data-dir=" + dir.resolve("server");
    System.arraycopy(more, 0, args, 3, more.length);
    Run r = k8j(args);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).matches("K10[0-9a-f]{64}::[a-z0-9]{6}\\.[a-z0-9]{16}");
    return r.out();
  }

  private static AgentCommand agent(String name, String token) {
    AgentCommand a = new AgentCommand();
    a.server = url;
    a.token = token;
    a.dataDir = dir.resolve("agent-" + name);
    a.joinTimeoutSeconds = 120;
    simulatedNode(a.node, name);
    return a;
  }

  private static boolean ready(String node) {
    Node n = admin.nodes().withName(node).get();
    return n != null
        && n.getStatus() != null
        && n.getStatus().getConditions() != null
        && n.getStatus().getConditions().stream()
            .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
  }

  @Test
  void anAgentJoinsWithATokenAndAppearsAsAReadyNode() throws Exception {
    String token = createToken("--ttl=1h");
    AgentCommand a = agent("join-worker-1", token);
    try (NodeComponents node = a.start()) {
      await().atMost(Duration.ofSeconds(90)).until(() -> ready("join-worker-1"));
    }
    assertThat(Files.readString(a.kubeconfigFile()))
        .contains("client-certificate-data")
        .doesNotContain("token:");
    var csrs = admin.certificates().v1().certificateSigningRequests().list().getItems();
    long mine =
        csrs.stream()
            .filter(c -> c.getSpec().getUsername().startsWith("system:bootstrap:"))
            .filter(c -> c.getStatus().getCertificate() != null)
            .count();
    assertThat(mine).isGreaterThanOrEqualTo(1);

    // a restart reuses the credential: no token needed, no new request
    int before = csrs.size();
    AgentCommand again = agent("join-worker-1", null);
    again.server = null;
    try (NodeComponents node = again.start()) {
      await().atMost(Duration.ofSeconds(60)).until(() -> ready("join-worker-1"));
    }
    assertThat(admin.certificates().v1().certificateSigningRequests().list().getItems())
        .hasSize(before);
  }

  @Test
  void aWrongTokenSecretIsRefusedWithOneLine() {
    String token = createToken();
    String wrong = token.substring(0, token.length() - 1) + (token.endsWith("a") ? "b" : "a");
    Run r = agentRun("join-wrong", wrong);
    assertThat(r.code()).isNotZero();
    assertThat(r.err())
        .isEqualTo(
            "k8j agent: the server refused the join token (401 Unauthorized): it is wrong, expired"
                + " or deleted; make a new one with k8j token create on the server");
  }

  @Test
  void aWrongCaHashIsRefusedBeforeTheTokenIsSent() {
    String token = createToken();
    String hash = token.substring(3, 67);
    String other = "0".repeat(64).equals(hash) ? "1".repeat(64) : "0".repeat(64);
    Run r = agentRun("join-ca", token.replace(hash, other));
    assertThat(r.code()).isNotZero();
    assertThat(r.err())
        .startsWith("k8j agent: the server's CA (sha256 " + hash + ")")
        .contains("does not match the join token's CA hash (" + other + "): refusing to join")
        .doesNotContain("\n");
  }

  @Test
  void expiredAndDeletedTokensAreRefused() {
    String deleted = createToken();
    String id = deleted.substring(deleted.indexOf("::") + 2, deleted.indexOf('.'));
    Run del = k8j("token", "delete", "--data-dir=" + dir.resolve("server"), id);
    assertThat(del.code()).as(del.err()).isZero();
    assertThat(agentRun("join-deleted", deleted).err()).contains("refused the join token");

    BootstrapToken expired = BootstrapToken.generate();
    admin
        .secrets()
        .inNamespace("kube-system")
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(expired.secretName())
                .endMetadata()
                .withType(BootstrapToken.SECRET_TYPE)
                .withStringData(
                    Map.of(
                        "token-id",
                        expired.id(),
                        "token-secret",
                        expired.secret(),
                        "expiration",
                        "2020-01-01T00:00:00Z",
                        "usage-bootstrap-authentication",
                        "true"))
                .build())
        .create();
    String join = deleted.substring(0, deleted.indexOf("::") + 2) + expired;
    assertThat(agentRun("join-expired", join).err()).contains("refused the join token");
    // the token cleaner deletes it
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                admin.secrets().inNamespace("kube-system").withName(expired.secretName()).get()
                    == null);
  }

  @Test
  void aJoinTokenOfTheWrongFormIsRefused() {
    Run r = agentRun("join-garbage", "abcdef.0123456789abcdef");
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).startsWith("k8j agent: the token is not a join token");
  }

  private static Run agentRun(String name, String token) {
    return k8j(
        "agent",
        "--server=" + url,
        "--token=" + token,
        "--data-dir=" + dir.resolve("agent-" + name),
        "--node-name=" + name,
        "--runtime=SIMULATED",
        "--cluster-dns-port=0",
        "--kubelet-port=0",
        "--disable-kube-proxy");
  }
}
