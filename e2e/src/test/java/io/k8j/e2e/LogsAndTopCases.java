package io.k8j.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.k8j.apiserver.auth.Identity;
import io.k8j.controllers.ControllerManager;
import io.k8j.controllers.ControllerManagerOptions;
import io.k8j.kubelet.RuntimeKind;
import io.k8j.kubelet.e2e.NodeFixture;
import io.k8j.scheduler.Scheduler;
import io.k8j.scheduler.SchedulerOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code kubectl logs} and {@code kubectl top} with the real kubectl against one node, run on each
 * runtime by a subclass: the API server's {@code pods/log} proxied to the kubelet's {@code
 * /containerLogs}, and {@code metrics.k8s.io} from the kubelet's resource metrics.
 */
abstract class LogsAndTopCases {
  static NodeFixture node;
  static Path triggers;
  private static final List<AutoCloseable> control = new ArrayList<>();

  static void startNode(RuntimeKind kind, String nodeName, String podCidr) throws Exception {
    node = NodeFixture.start(kind, nodeName, podCidr, b -> b.nodeIp("127.0.0.1"));
    triggers = Files.createTempDirectory("k8j-logs-triggers-");
    KubernetesClient cm = client(Identity.CONTROLLER_MANAGER);
    ControllerManager controllers = new ControllerManager(cm, ControllerManagerOptions.defaults());
    control.add(controllers);
    controllers.start();
    Scheduler scheduler = new Scheduler(client(Identity.SCHEDULER), SchedulerOptions.defaults());
    control.add(scheduler);
    scheduler.start();
  }

  private static KubernetesClient client(Identity id) {
    var api = node.api.server();
    KubernetesClient c =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(api.pki().kubeconfigFor(id, api.url())))
            .build();
    control.add(c);
    return c;
  }

  static void stopNode() {
    for (int i = control.size() - 1; i >= 0; i--) {
      try {
        control.get(i).close();
      } catch (Exception e) {
        System.err.println("could not stop " + control.get(i) + ": " + e);
      }
    }
    control.clear();
    if (node != null) {
      node.close();
    }
    NodeFixture.deleteTree(triggers);
  }

  /** kubectl's stdout and stderr together, and how it exited. */
  static io.k8j.kubelet.e2e.Kubectl.Result kubectl(String... args) {
    return node.kubectl.run(args);
  }

  static String logs(String... args) {
    List<String> all = new ArrayList<>(List.of("logs"));
    all.addAll(List.of(args));
    return kubectl(all.toArray(String[]::new)).ok().out();
  }

  static void awaitRunning(String pod) {
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> "Running".equals(node.kubectl.jsonpath(pod, "{.status.phase}")));
  }

  /** A directory of the host mounted into a pod, through which a test tells the pod things. */
  static Path trigger(String pod) throws IOException {
    Path dir = triggers.resolve(pod);
    Files.createDirectories(dir);
    return dir;
  }

  /** Starts {@code kubectl logs -f ...}; its output collects in {@code out}. */
  static Process follow(StringBuffer out, String... args) throws IOException {
    List<String> cmd =
        new ArrayList<>(
            List.of("/usr/bin/kubectl", "--kubeconfig=" + node.api.kubeconfig(), "logs", "-f"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    Thread.ofVirtual()
        .start(
            () -> {
              try (InputStream in = p.getInputStream()) {
                byte[] buf = new byte[4096];
                int n;
                while ((n = in.read(buf)) > 0) {
                  out.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
              } catch (IOException e) {
                out.append("\n[read failed: ").append(e).append("]");
              }
            });
    return p;
  }

  @Test
  void logsWithTailSinceAndTimestamps() {
    node.kubectl.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: counter}
        spec:
          containers:
          - name: c
            image: busybox:1.36
            command: [sh, -c, 'for i in 1 2 3 4 5; do echo line-$i; done; exec sleep 3600']
        """);
    awaitRunning("counter");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> logs("counter").equals("line-1\nline-2\nline-3\nline-4\nline-5\n"));
    Instant after = Instant.now().plus(1, ChronoUnit.SECONDS);
    assertThat(logs("counter", "--tail=2")).isEqualTo("line-4\nline-5\n");
    assertThat(logs("counter", "--tail=0")).isEmpty();
    assertThat(logs("counter", "--since=1h")).isEqualTo("line-1\nline-2\nline-3\nline-4\nline-5\n");
    assertThat(logs("counter", "--since-time=" + after.truncatedTo(ChronoUnit.SECONDS))).isEmpty();
    assertThat(logs("counter", "--limit-bytes=9")).isEqualTo("line-1\nli");
    List<String> stamped = logs("counter", "--timestamps", "--tail=3").lines().toList();
    assertThat(stamped).hasSize(3);
    for (int i = 0; i < 3; i++) {
      assertThat(stamped.get(i))
          .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z line-" + (i + 3));
    }
  }

  @Test
  void followSeesNewLinesAndEndsWhenTheContainerExits() throws Exception {
    Path dir = trigger("ticker");
    node.kubectl.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: ticker}
        spec:
          restartPolicy: Never
          volumes: [{name: t, hostPath: {path: %s}}]
          containers:
          - name: c
            image: busybox:1.36
            command: [sh, -c, 'echo start; i=0; while [ ! -f /tmp/k8j-e2e/ticker/stop ]; do i=$((i+1)); echo tick-$i; sleep 1; done; echo bye']
            volumeMounts: [{name: t, mountPath: /tmp/k8j-e2e/ticker}]
        """
            .formatted(dir));
    awaitRunning("ticker");
    StringBuffer out = new StringBuffer();
    Process p = follow(out, "ticker");
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> out.toString().contains("tick-"));
      int seen = lastTick(out.toString());
      await().atMost(Duration.ofSeconds(60)).until(() -> lastTick(out.toString()) >= seen + 2);
      assertThat(p.isAlive()).as(out.toString()).isTrue();
      Files.writeString(dir.resolve("stop"), "");
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(out.toString()).isTrue();
      assertThat(p.exitValue()).as(out.toString()).isZero();
      assertThat(out.toString()).startsWith("start\ntick-1\n").endsWith("bye\n");
    } finally {
      p.destroyForcibly();
    }
  }

  private static int lastTick(String out) {
    int n = 0;
    for (String l : out.lines().toList()) {
      if (l.startsWith("tick-")) {
        n = Integer.parseInt(l.substring(5));
      }
    }
    return n;
  }

  @Test
  void previousShowsTheInstanceBeforeTheRestart() throws Exception {
    Path dir = trigger("restarter");
    node.kubectl.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: restarter}
        spec:
          volumes: [{name: t, hostPath: {path: %s}}]
          containers:
          - name: c
            image: busybox:1.36
            command: [sh, -c, 'f=/tmp/k8j-e2e/restarter/n; n=$(cat $f 2>/dev/null || echo 0); n=$((n+1)); echo $n > $f; echo attempt-$n; if [ $n -ge 2 ]; then exec sleep 3600; fi; exit 1']
            volumeMounts: [{name: t, mountPath: /tmp/k8j-e2e/restarter}]
        """
            .formatted(dir));
    await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () ->
                node.kubectl
                    .jsonpath("restarter", "{.status.containerStatuses[0].restartCount}")
                    .equals("1"));
    awaitRunning("restarter");
    await().atMost(Duration.ofSeconds(60)).until(() -> logs("restarter").equals("attempt-2\n"));
    assertThat(logs("restarter", "--previous")).isEqualTo("attempt-1\n");
    assertThat(logs("restarter", "-p", "-c", "c")).isEqualTo("attempt-1\n");
  }

  @Test
  void previousWithoutARestartIsRefused() {
    node.kubectl.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: once}
        spec:
          containers:
          - {name: c, image: busybox:1.36, command: [sh, -c, 'echo hi; exec sleep 3600']}
        """);
    awaitRunning("once");
    var r = kubectl("logs", "once", "--previous");
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.out())
        .contains(
            "Error from server (BadRequest): previous terminated container \"c\" in pod \"once\" not found");
  }

  @Test
  void containersAreChosenWithDashC() {
    node.kubectl.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: two}
        spec:
          containers:
          - {name: a, image: busybox:1.36, command: [sh, -c, 'echo from-a; exec sleep 3600']}
          - {name: b, image: busybox:1.36, command: [sh, -c, 'echo from-b; exec sleep 3600']}
        """);
    awaitRunning("two");
    await().atMost(Duration.ofSeconds(60)).until(() -> logs("two", "-c", "b").equals("from-b\n"));
    assertThat(logs("two", "-c", "a")).isEqualTo("from-a\n");
    var missing = kubectl("logs", "two", "-c", "nope");
    assertThat(missing.exitCode()).isNotZero();
    assertThat(missing.out()).contains("container nope is not valid for pod two");
    var rawMissing =
        kubectl("get", "--raw", "/api/v1/namespaces/default/pods/two/log?container=nope");
    assertThat(rawMissing.exitCode()).isNotZero();
    assertThat(rawMissing.out())
        .contains("Error from server (BadRequest): container nope is not valid for pod two");
    var raw = kubectl("get", "--raw", "/api/v1/namespaces/default/pods/two/log");
    assertThat(raw.exitCode()).isNotZero();
    assertThat(raw.out())
        .contains("a container name must be specified for pod two, choose one of: [a b]");
  }

  @Test
  void logsOfADeployment() {
    node.kubectl.apply(
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: 1
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
              - {name: c, image: busybox:1.36, command: [sh, -c, 'echo from-deploy; exec sleep 3600']}
        """);
    await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () -> {
              var r = kubectl("logs", "deploy/web");
              return r.exitCode() == 0 && r.out().contains("from-deploy");
            });
  }

  @Test
  void logsOfAPodNotYetStartedSayWhy() {
    node.kubectl.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: waiting}
        spec:
          volumes: [{name: cfg, configMap: {name: does-not-exist}}]
          containers:
          - name: c
            image: busybox:1.36
            command: [sh, -c, 'exec sleep 3600']
            volumeMounts: [{name: cfg, mountPath: /tmp/k8j-e2e/cfg}]
        """);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              var r = kubectl("logs", "waiting");
              assertThat(r.exitCode()).isNotZero();
              assertThat(r.out())
                  .contains(
                      "Error from server (BadRequest): container \"c\" in pod \"waiting\" is"
                          + " waiting to start: ContainerCreating");
            });
  }

  @Test
  void topShowsPodsAndNodesWithCpuThatMovesUpWhenAPodBurnsIt() {
    node.kubectl.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: burner, labels: {app: burner}}
        spec:
          containers:
          - {name: c, image: busybox:1.36, command: [sh, -c, 'while :; do :; done']}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: idler, labels: {app: idler}}
        spec:
          containers:
          - {name: c, image: busybox:1.36, command: [sh, -c, 'exec sleep 3600']}
        """);
    awaitRunning("burner");
    awaitRunning("idler");
    await()
        .atMost(Duration.ofSeconds(180))
        .pollInterval(Duration.ofSeconds(3))
        .untilAsserted(
            () -> {
              var r = kubectl("top", "pods", "--no-headers");
              assertThat(r.exitCode()).as(r.out()).isZero();
              long burner = milliCores(r.out(), "burner");
              long idler = milliCores(r.out(), "idler");
              assertThat(burner).as(r.out()).isGreaterThanOrEqualTo(100).isGreaterThan(idler);
            });
    var one = kubectl("top", "pod", "-l", "app=burner");
    assertThat(one.exitCode()).as(one.out()).isZero();
    assertThat(one.out()).contains("burner").doesNotContain("idler");
    assertThat(one.out().lines().findFirst().orElse(""))
        .matches("NAME\\s+CPU\\(cores\\)\\s+MEMORY\\(bytes\\)\\s*");
    assertThat(one.out()).containsPattern("burner\\s+\\d+m\\s+\\d+Mi");
    var nodes = kubectl("top", "nodes");
    assertThat(nodes.exitCode()).as(nodes.out()).isZero();
    assertThat(nodes.out())
        .containsPattern(node.nodeName + "\\s+\\d+m\\s+\\d+%\\s+\\d+Mi\\s+\\d+%");
    var missing = kubectl("top", "pod", "no-such-pod");
    assertThat(missing.exitCode()).isNotZero();
    assertThat(missing.out()).contains("podmetrics.metrics.k8s.io \"no-such-pod\" not found");
  }

  /** The CPU column of a pod in {@code kubectl top pods} output, in millicores. */
  private static long milliCores(String out, String pod) {
    for (String line : out.lines().toList()) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 3 && f[0].equals(pod)) {
        return Long.parseLong(f[1].replace("m", ""));
      }
    }
    throw new AssertionError("no " + pod + " in " + out);
  }
}
