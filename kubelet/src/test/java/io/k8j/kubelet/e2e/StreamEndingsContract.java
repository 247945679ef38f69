package io.k8j.kubelet.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.k8j.kubelet.KubeletTls;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * How streams end, on each runtime: a slow reader still gets every byte; kubectl killed mid-exec,
 * mid-{@code logs -f} or mid-port-forward ends the command's input and leaves nothing behind (the
 * kubelet's session and log-follower gauges return to their value, no process of the session is
 * left); the container stopping mid-stream ends kubectl with the killed command's code; and a
 * port-forwarded connection closed from either end closes at the other.
 */
abstract class StreamEndingsContract extends StreamsContract {
  private static final int SESSIONS = 3;
  private static final int LOG_LINES = 50_000;

  private static String unique() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  /** A busybox pod on the node running {@code script} (no single quotes in it), once it runs. */
  private static void startPod(String name, String restartPolicy, String script) {
    node.kubectl.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: %s}
        spec:
          nodeName: %s
          restartPolicy: %s
          terminationGracePeriodSeconds: 1
          containers:
          - name: main
            image: busybox:1.36
            command: [sh, -c, '%s']
        """
            .formatted(name, node.nodeName, restartPolicy, script));
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> node.kubectl.jsonpath(name, "{.status.phase}").equals("Running"));
  }

  /** kubectl started with stdout apart (stderr discarded) and stdin left open. */
  private static Process start(Map<String, String> env, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/kubectl", "--kubeconfig=" + kubeconfig()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().putAll(env);
    return pb.start();
  }

  private static Path kubeconfig() {
    return node.api.kubeconfig();
  }

  private static String exec(String script) {
    return node.kubectl.run("exec", "shell", "--", "sh", "-c", script).ok().out();
  }

  /** The next line kubectl prints, or a failure when it prints none within a minute. */
  private static String firstLine(BufferedReader out) throws Exception {
    CompletableFuture<String> line = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                line.complete(out.readLine());
              } catch (IOException e) {
                line.completeExceptionally(e);
              }
            });
    return line.get(60, TimeUnit.SECONDS);
  }

  @Test
  void aSlowReaderGetsEveryByteOfALargeOutput() throws Exception {
    String file = "/tmp/big-" + unique();
    String sum = exec("head -c 4194304 /dev/urandom > " + file + " && md5sum " + file);
    try {
      for (Map<String, String> env :
          List.of(Map.<String, String>of(), Map.of("KUBECTL_REMOTE_COMMAND_WEBSOCKETS", "false"))) {
        Process p = start(env, "exec", "shell", "--", "cat", file);
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        long bytes = 0;
        try (InputStream in = p.getInputStream()) {
          // the slowness under test, not a synchronisation: a reader that stalls first, so that
          // every buffer between the file and kubectl fills, then takes small bites with pauses
          Thread.sleep(2000);
          byte[] buf = new byte[8192];
          int n;
          while ((n = in.read(buf)) >= 0) {
            md5.update(buf, 0, n);
            bytes += n;
            if (bytes % (64 * 1024) < n) {
              Thread.sleep(20);
            }
          }
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("kubectl ends").isTrue();
        assertThat(p.exitValue()).as(env.toString()).isZero();
        assertThat(bytes).as(env.toString()).isEqualTo(4194304);
        assertThat(sum).as(env.toString()).startsWith(HexFormat.of().formatHex(md5.digest()));
      }
    } finally {
      exec("rm -f " + file);
    }
  }

  @Test
  void aSlowLogFollowerGetsEveryLineAndLeavesNothingBehindWhenKilled() throws Exception {
    String name = "counter-" + unique();
    startPod(name, "Always", "busybox seq 1 " + LOG_LINES + "; exec sleep 3600");
    Held before = Held.now();
    Process p = start(Map.of(), "logs", "-f", name);
    int next = 1;
    try {
      BufferedReader in =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      assertThat(firstLine(in)).isEqualTo("1");
      next++;
      assertThat(Held.now().followers()).as("log followers").isGreaterThan(before.followers());
      // the slowness under test, not a synchronisation: a stall, then pauses every 1000 lines
      Thread.sleep(2000);
      String line;
      while (next <= LOG_LINES && (line = in.readLine()) != null) {
        assertThat(line).isEqualTo(Integer.toString(next));
        if (next++ % 1000 == 0) {
          Thread.sleep(20);
        }
      }
    } finally {
      p.destroyForcibly();
    }
    assertThat(next - 1).as("lines read").isEqualTo(LOG_LINES);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> Held.now().assertReleasedSince(before));
  }

  @Test
  void killingKubectlMidStreamEndsTheCommandsInputAndLeavesNothingBehind() throws Exception {
    Held before = Held.now();
    for (int i = 0; i < SESSIONS; i++) {
      killMidStream();
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> Held.now().assertReleasedSince(before));
  }

  /** An exec reading its stdin; kubectl killed; the command sees the end of its input. */
  private static void killMidStream() throws Exception {
    String marker = "/tmp/eof-" + unique();
    Process p =
        start(
            Map.of(),
            "exec",
            "-i",
            "shell",
            "--",
            "sh",
            "-c",
            "echo ready; cat > /dev/null; echo eof > " + marker);
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      assertThat(firstLine(out)).isEqualTo("ready");
      assertThat(Held.now().sessions("exec")).as("exec sessions").isPositive();
    } finally {
      p.destroyForcibly();
    }
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> node.kubectl.run("exec", "shell", "--", "cat", marker).out().equals("eof\n"));
    exec("rm -f " + marker);
  }

  /**
   * What the node holds for streams: the kubelet's gauges of log followers and of exec, attach and
   * port-forward sessions (its {@code /metrics}), and the processes of the test JVM, which runs the
   * kubelet (the process runtime's exec sessions are its children).
   */
  private record Held(Map<String, Long> gauges, long processes) {
    private static final Pattern GAUGE =
        Pattern.compile(
            "^(kubelet_container_log_followers|kubelet_streaming_sessions\\{kind=\"\\w+\"})"
                + " (\\d+)$",
            Pattern.MULTILINE);

    static Held now() throws Exception {
      Map<String, Long> gauges = new TreeMap<>();
      Matcher m = GAUGE.matcher(KubeletTls.metrics(node.api, node.kubelet.port()));
      while (m.find()) {
        gauges.put(m.group(1), Long.parseLong(m.group(2)));
      }
      assertThat(gauges).as("the kubelet's stream gauges").hasSize(4);
      return new Held(gauges, ProcessHandle.current().descendants().count());
    }

    long sessions(String kind) {
      return gauges.get("kubelet_streaming_sessions{kind=\"" + kind + "\"}");
    }

    long followers() {
      return gauges.get("kubelet_container_log_followers");
    }

    /** Every stream opened since {@code before} has been released. */
    void assertReleasedSince(Held before) {
      assertThat(gauges).as("streams the kubelet holds").isEqualTo(before.gauges);
      assertThat(processes).as("processes").isLessThanOrEqualTo(before.processes);
    }
  }

  @Test
  void theContainerStoppingMidStreamEndsKubectlWithTheKilledCommandsCode() {
    String name = "victim-" + unique();
    String stop = "/tmp/stop-" + name;
    startPod(name, "Never", "while [ ! -e " + stop + " ]; do sleep 1; done; rm -f " + stop);
    Kubectl.Result r =
        kubectl(
            Map.of(),
            null,
            "exec",
            name,
            "--",
            "sh",
            "-c",
            "echo started; touch " + stop + "; exec sleep 600");
    assertThat(r.exitCode()).as(r.out()).isEqualTo(137);
    assertThat(r.out()).contains("started").contains("command terminated with exit code 137");
  }

  @Test
  void aForwardedConnectionClosedAtEitherEndClosesAtTheOther() throws Exception {
    String name = "sink-" + unique();
    String log = "/tmp/" + name + ".log";
    // the pod's server: one connection at a time, whose bytes tee logs (and echoes back) until
    // their end; then "closed" is logged
    startPod(
        name,
        "Always",
        ("trap \"rm -f %1$s; exit\" TERM; while :; do busybox nc -l -p 9000 -e busybox tee -a %1$s;"
                + " echo closed >> %1$s; done")
            .formatted(log));
    awaitListening(name);
    Held before = Held.now();
    // the client closes: the pod's server reads what was sent, then the end of it
    Process forward =
        start(Map.of(), "port-forward", "pod/" + name, "--address=127.0.0.1", ":9000");
    int port = forwardedPort(forward);
    awaitListening(name);
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.getOutputStream().write("from-client\n".getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
    }
    awaitLog(name, log, "from-client\nclosed\n");
    // kubectl goes away mid-connection: the pod's server sees the connection end too, and the
    // kubelet's session ends
    awaitListening(name);
    Socket s = new Socket("127.0.0.1", port);
    try {
      OutputStream o = s.getOutputStream();
      o.write("half\n".getBytes(StandardCharsets.US_ASCII));
      o.flush();
      awaitLog(name, log, "from-client\nclosed\nhalf\n");
      assertThat(Held.now().sessions("portForward")).as("port-forward sessions").isPositive();
      forward.destroyForcibly();
      assertThat(forward.waitFor(30, TimeUnit.SECONDS)).isTrue();
      awaitLog(name, log, "from-client\nclosed\nhalf\nclosed\n");
    } finally {
      s.close();
      forward.destroyForcibly();
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> Held.now().assertReleasedSince(before));
  }

  /** Until the pod's server listens (again): its loop starts a new one after each connection. */
  private static void awaitListening(String pod) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                node.kubectl
                    .run("exec", pod, "--", "busybox", "netstat", "-ltn")
                    .out()
                    .contains(":9000 "));
  }

  private static void awaitLog(String pod, String log, String expected) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> node.kubectl.run("exec", pod, "--", "cat", log).out().equals(expected));
  }

  /**
   * The local port kubectl port-forward prints once it listens; what it prints later ("Handling
   * connection") is drained.
   */
  private static int forwardedPort(Process forward) throws Exception {
    Pattern forwarding = Pattern.compile("Forwarding from 127\\.0\\.0\\.1:(\\d+) -> 9000");
    BufferedReader out =
        new BufferedReader(new InputStreamReader(forward.getInputStream(), StandardCharsets.UTF_8));
    String line = firstLine(out);
    Matcher m = forwarding.matcher(line == null ? "" : line);
    assertThat(m.find()).as(line).isTrue();
    Thread.ofVirtual().start(() -> out.lines().forEach(l -> {}));
    return Integer.parseInt(m.group(1));
  }
}
