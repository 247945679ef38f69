package io.k8j.kubelet.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.k8j.apiserver.auth.Identity;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * exec, attach, cp and port-forward with the real kubectl through the API server to the kubelet,
 * the same cases on each runtime (a subclass starts the node and the pods below).
 */
abstract class StreamsContract {
  private static final Executor VIRTUAL = Executors.newVirtualThreadPerTaskExecutor();
  static NodeFixture node;

  static void startPods(String nodeName) {
    node.kubectl.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: shell}
        spec:
          nodeName: %1$s
          containers:
          - name: shell
            image: busybox:1.36
            command: [sh, -c, 'mkdir -p /tmp/www && echo hello-from-pod > /tmp/www/index.html && exec busybox httpd -f -p 8080 -h /tmp/www']
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: done}
        spec:
          nodeName: %1$s
          restartPolicy: Never
          containers:
          - name: done
            image: busybox:1.36
            command: ['true']
        """
            .formatted(nodeName));
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> node.kubectl.jsonpath("shell", "{.status.phase}").equals("Running"));
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> node.kubectl.jsonpath("done", "{.status.phase}").equals("Succeeded"));
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  /** kubectl with extra environment and stdin; stdout and stderr together. */
  static Kubectl.Result kubectl(Map<String, String> env, String stdin, String... args) {
    return kubectlAs(node.api.kubeconfig(), env, stdin, args);
  }

  static Kubectl.Result kubectlAs(
      Path kubeconfig, Map<String, String> env, String stdin, String... args) {
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/kubectl", "--kubeconfig=" + kubeconfig));
    cmd.addAll(List.of(args));
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      pb.environment().putAll(env);
      Process p = pb.start();
      if (stdin != null) {
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      p.getOutputStream().close();
      // threads of their own: on 2 cores the common pool has one worker, and a blocked read there
      // stalls whatever else the JVM (the kubelet under test included) hands to it
      CompletableFuture<String> out =
          CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()), VIRTUAL);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new AssertionError("kubectl hung: " + cmd);
      }
      return new Kubectl.Result(p.exitValue(), out.get(10, TimeUnit.SECONDS));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static String readAll(InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  @Test
  void execPrintsWhatTheCommandPrints() {
    assertThat(node.kubectl.run("exec", "shell", "--", "echo", "hi").ok().out()).isEqualTo("hi\n");
  }

  @Test
  void theCommandsExitCodeBecomesKubectlsOwn() {
    Kubectl.Result r = node.kubectl.run("exec", "shell", "--", "sh", "-c", "echo out; exit 3");
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.out()).contains("out").contains("command terminated with exit code 3");
  }

  @Test
  void stdinIsPipedIn() {
    Kubectl.Result r = kubectl(Map.of(), "data\nmore\n", "exec", "-i", "shell", "--", "cat");
    assertThat(r.ok().out()).isEqualTo("data\nmore\n");
  }

  @Test
  void theSpdyFallbackCarriesStreamsAndExitCodes() {
    Map<String, String> spdy = Map.of("KUBECTL_REMOTE_COMMAND_WEBSOCKETS", "false");
    assertThat(kubectl(spdy, "over-spdy\n", "exec", "-i", "shell", "--", "cat").ok().out())
        .isEqualTo("over-spdy\n");
    Kubectl.Result r = kubectl(spdy, null, "exec", "shell", "--", "sh", "-c", "echo e >&2; exit 4");
    assertThat(r.exitCode()).isEqualTo(4);
    assertThat(r.out()).contains("e\n").contains("command terminated with exit code 4");
  }

  @Test
  void aTerminalSessionUnderTmuxSeesATtyOfTheClientsSizeAndItsResizes() throws Exception {
    String session = "k8j-streams-" + UUID.randomUUID().toString().substring(0, 8);
    Path done = Files.createTempFile("k8j-tty-", ".rc");
    Files.delete(done);
    String command =
        "/usr/bin/kubectl --kubeconfig="
            + node.api.kubeconfig()
            + " exec -it shell -- sh; echo $? > "
            + done;
    tmux("new-session", "-d", "-s", session, "-x", "100", "-y", "30", command + "; sleep 600");
    String pane;
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(300))
          .until(() -> pane(session).contains("#"));
      tmux("send-keys", "-t", session, "tty -s && echo is-a-tty; stty size", "Enter");
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> pane(session).contains("is-a-tty") && pane(session).contains("30 100"));
      tmux("resize-window", "-t", session, "-x", "120", "-y", "40");
      // kubectl sends the new size when its terminal changes (SIGWINCH); ask until it arrived
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofSeconds(2))
          .untilAsserted(
              () -> {
                tmux("send-keys", "-t", session, "clear; stty size", "Enter");
                assertThat(pane(session)).contains("40 120");
              });
      tmux("send-keys", "-t", session, "exit 7", "Enter");
      await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(done));
      await().atMost(Duration.ofSeconds(60)).until(() -> !Files.readString(done).isBlank());
    } finally {
      pane = pane(session);
      tmux("kill-session", "-t", session);
    }
    String rc = Files.readString(done).strip();
    Files.delete(done);
    assertThat(rc).as(pane).isEqualTo("7");
  }

  private static void tmux(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("tmux"));
    cmd.addAll(List.of(args));
    Process p =
        new ProcessBuilder(cmd)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    p.waitFor(30, TimeUnit.SECONDS);
  }

  private static String pane(String session) throws Exception {
    Process p = new ProcessBuilder("tmux", "capture-pane", "-p", "-t", session).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(30, TimeUnit.SECONDS);
    return out;
  }

  @Test
  void attachJoinsTheContainersStdinAndStdout() {
    String name = "attach-" + UUID.randomUUID().toString().substring(0, 6);
    node.kubectl.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: %s}
        spec:
          nodeName: %s
          restartPolicy: Never
          containers:
          - name: reader
            image: busybox:1.36
            stdin: true
            stdinOnce: true
            command: [sh, -c, 'while read line; do echo got:$line; done']
        """
            .formatted(name, node.nodeName));
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> node.kubectl.jsonpath(name, "{.status.phase}").equals("Running"));
    Kubectl.Result r = kubectl(Map.of(), "one\ntwo\n", "attach", "-i", name, "-c", "reader");
    assertThat(r.out()).contains("got:one\ngot:two\n");
  }

  @Test
  void cpCopiesAFileIntoThePodAndBack() throws Exception {
    Path dir = Files.createTempDirectory("k8j-cp-");
    try {
      Path local = dir.resolve("in.txt");
      Files.writeString(local, "copied both ways\n");
      node.kubectl.run("cp", local.toString(), "shell:/tmp/in.txt").ok();
      assertThat(node.kubectl.run("exec", "shell", "--", "cat", "/tmp/in.txt").ok().out())
          .isEqualTo("copied both ways\n");
      Path back = dir.resolve("back.txt");
      node.kubectl.run("cp", "shell:/tmp/in.txt", back.toString()).ok();
      assertThat(Files.readString(back)).isEqualTo("copied both ways\n");
    } finally {
      NodeFixture.deleteTree(dir);
    }
  }

  @Test
  void portForwardCarriesSeveralConcurrentHttpConnections() throws Exception {
    forwardAndFetch(Map.of());
  }

  @Test
  void portForwardOverPlainSpdyToo() throws Exception {
    forwardAndFetch(Map.of("KUBECTL_PORT_FORWARD_WEBSOCKETS", "false"));
  }

  private static void forwardAndFetch(Map<String, String> env) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(
                "/usr/bin/kubectl",
                "--kubeconfig=" + node.api.kubeconfig(),
                "port-forward",
                "pod/shell",
                "--address=127.0.0.1",
                ":8080")
            .redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      int localPort = forwardedPort(out);
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  while (out.readLine() != null) {
                    // drain "Handling connection" lines
                  }
                } catch (IOException ignored) {
                  // kubectl ended
                }
              });
      List<CompletableFuture<String>> fetches = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        fetches.add(CompletableFuture.supplyAsync(() -> httpGet(localPort), VIRTUAL));
      }
      for (CompletableFuture<String> f : fetches) {
        assertThat(f.get(60, TimeUnit.SECONDS)).contains("200 OK").endsWith("hello-from-pod\n");
      }
    } finally {
      p.destroy();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("kubectl port-forward ends").isTrue();
    }
  }

  private static int forwardedPort(BufferedReader out) throws IOException {
    Pattern forwarding = Pattern.compile("Forwarding from 127\\.0\\.0\\.1:(\\d+) -> 8080");
    String line;
    StringBuilder seen = new StringBuilder();
    while ((line = out.readLine()) != null) {
      seen.append(line).append('\n');
      Matcher m = forwarding.matcher(line);
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
    }
    throw new AssertionError("kubectl port-forward ended: " + seen);
  }

  private static String httpGet(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      OutputStream o = s.getOutputStream();
      o.write("GET /index.html HTTP/1.0\r\nHost: pod\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      o.flush();
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /*
   * The refusals below are kubectl's own words, as upstream prints them (kubectl 1.32: exec.go,
   * portforward.go; client-go's SPDY round tripper prefixes what the kubelet answered with "unable
   * to upgrade connection: "), each ending kubectl at once with a non-zero code.
   */

  @Test
  void execIntoAMissingContainerIsABadRequest() {
    Kubectl.Result r = kubectl(Map.of(), null, "exec", "shell", "-c", "nope", "--", "true");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out())
        .contains("Error from server (BadRequest): container nope is not valid for pod shell\n");
  }

  @Test
  void execIntoAContainerNotYetStartedSaysItIsNotFound() {
    String pod = pendingPod();
    Kubectl.Result r = kubectl(Map.of(), null, "exec", pod, "--", "true");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out())
        .contains("error: unable to upgrade connection: container not found (\"c\")\n");
  }

  @Test
  void execIntoACompletedPodIsRefused() {
    Kubectl.Result r = kubectl(Map.of(), null, "exec", "done", "--", "true");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out())
        .contains(
            "error: cannot exec into a container in a completed pod; current phase is Succeeded\n");
  }

  @Test
  void portForwardToAPodThatIsNotRunningFailsAtOnce() {
    Kubectl.Result done = kubectl(Map.of(), null, "port-forward", "pod/done", ":8080");
    assertThat(done.exitCode()).isEqualTo(1);
    assertThat(done.out())
        .contains(
            "error: unable to forward port because pod is not running. Current status=Succeeded\n");
    Kubectl.Result pending = kubectl(Map.of(), null, "port-forward", "pod/" + pendingPod(), ":80");
    assertThat(pending.exitCode()).isEqualTo(1);
    assertThat(pending.out())
        .contains(
            "error: unable to forward port because pod is not running. Current status=Pending\n");
  }

  /**
   * A pod on the node that stays Pending: its container waits for a ConfigMap volume that does not
   * exist.
   */
  private static String pendingPod() {
    node.kubectl.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: pending}
        spec:
          nodeName: %s
          volumes: [{name: cfg, configMap: {name: does-not-exist}}]
          containers:
          - name: c
            image: busybox:1.36
            command: [sh, -c, 'exec sleep 3600']
            volumeMounts: [{name: cfg, mountPath: /cfg}]
        """
            .formatted(node.nodeName));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> node.kubectl.jsonpath("pending", "{.status.phase}").equals("Pending"));
    return "pending";
  }

  @Test
  void aUserWithoutPodsExecIsForbidden() throws Exception {
    Path kubeconfig = Files.createTempFile("k8j-nobody-", ".kubeconfig");
    try {
      node.api
          .server()
          .pki()
          .writeKubeconfig(new Identity("nobody", List.of()), node.api.url(), kubeconfig);
      // kubectl reads the pod first: nobody may view pods, but not exec into them
      node.kubectl
          .run(
              "create", "clusterrolebinding", "nobody-views", "--clusterrole=view", "--user=nobody")
          .ok();
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                Kubectl.Result r =
                    kubectlAs(kubeconfig, Map.of(), null, "exec", "shell", "--", "true");
                assertThat(r.exitCode()).isEqualTo(1);
                // kubectl's WebSocket upgrade (get) is refused, then its SPDY fallback (create)
                assertThat(r.out())
                    .contains(
                        "Error from server (Forbidden): pods \"shell\" is forbidden: User"
                            + " \"nobody\" cannot create resource \"pods/exec\" in API group \"\""
                            + " in the namespace \"default\"\n");
              });
    } finally {
      Files.deleteIfExists(kubeconfig);
    }
  }

  @Test
  void aRoleWithOnlyCreateOnPodsExecIsEnoughForKubectlExec() throws Exception {
    // kubectl's WebSocket upgrade is a GET, authorized as get on pods/exec (as upstream 1.32): it
    // is
    // refused here, and kubectl falls back to SPDY, a POST, authorized as create
    Path kubeconfig = Files.createTempFile("k8j-execer-", ".kubeconfig");
    try {
      node.api
          .server()
          .pki()
          .writeKubeconfig(new Identity("execer", List.of()), node.api.url(), kubeconfig);
      node.kubectl.apply(
          """
          apiVersion: rbac.authorization.k8s.io/v1
          kind: Role
          metadata: {name: execer}
          rules:
          - {apiGroups: [""], resources: [pods], verbs: [get]}
          - {apiGroups: [""], resources: [pods/exec], verbs: [create]}
          ---
          apiVersion: rbac.authorization.k8s.io/v1
          kind: RoleBinding
          metadata: {name: execer}
          roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: execer}
          subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: execer}]
          """);
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                Kubectl.Result r =
                    kubectlAs(kubeconfig, Map.of(), null, "exec", "shell", "--", "echo", "in");
                assertThat(r.exitCode()).as(r.out()).isZero();
                assertThat(r.out()).endsWith("in\n");
              });
    } finally {
      Files.deleteIfExists(kubeconfig);
    }
  }
}
