package io.k8j.bench.pods;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.k8j.kubelet.RuntimeKind;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * {@code k8j bench pods}. Part one: pod startup latency on one node with containerd (create ->
 * Running as a watch sees it, image present), as clusterloader2 measures it: latency pods created
 * at a steady pace on a node that keeps running the earlier ones, then bursts of N pods created at
 * once (throughput), both against upstream's SLO (p99 &lt;= 5 s) and the target (p99 &lt; 1 s); see
 * {@link ContainerdPodStartup}. Part two: simulated nodes (kwok-like kubelets, one JVM, one API
 * server in the same JVM), step by step, the time for all nodes to be Ready and all pods to be
 * Running, and the JVM's heap and CPU in steady state.
 */
public final class PodStartupBench {
  /**
   * @param latencyPodCounts the sizes of the containerd rounds of latency pods, in order
   * @param paceMillis the times between two latency pods' creations: the latency rounds run at each
   * @param criPodCounts the sizes of the containerd bursts
   * @param simulated the (nodes, pods) steps of the simulated part
   * @param steadySeconds how long each simulated step is watched in steady state
   */
  public record Settings(
      List<Integer> latencyPodCounts,
      List<Long> paceMillis,
      List<Integer> criPodCounts,
      List<int[]> simulated,
      int steadySeconds) {
    /** clusterloader2's density test creates its latency pods at 5 per second. */
    public static final long UPSTREAM_PACE_MILLIS = 200;

    /** A pace at which one node's CPU is not the bottleneck: a pod a second. */
    public static final long SLOW_PACE_MILLIS = 1000;

    public static Settings defaults() {
      return new Settings(
          List.of(20, 100),
          List.of(UPSTREAM_PACE_MILLIS, SLOW_PACE_MILLIS),
          List.of(20, 100),
          List.of(new int[] {100, 3000}, new int[] {300, 10000}),
          30);
    }

    /**
     * The defaults with {@code latency=}, {@code pace=}, {@code cri=}, {@code sim=} and {@code
     * steady=} arguments applied.
     */
    public static Settings parse(String... args) {
      Settings d = defaults();
      List<Integer> latency = d.latencyPodCounts();
      List<Long> pace = d.paceMillis();
      List<Integer> cri = d.criPodCounts();
      List<int[]> sim = d.simulated();
      int steady = d.steadySeconds();
      for (String a : args) {
        String v = a.substring(a.indexOf('=') + 1);
        if (a.startsWith("latency=")) {
          latency = counts(v);
        } else if (a.startsWith("pace=")) {
          pace = Arrays.stream(v.split(",")).map(Long::valueOf).toList();
          if (pace.isEmpty() || pace.stream().anyMatch(ms -> ms <= 0)) {
            throw new IllegalArgumentException("pace must be positive: " + a);
          }
        } else if (a.startsWith("cri=")) {
          cri = counts(v);
        } else if (a.startsWith("sim=")) {
          sim = v.isEmpty() ? List.of() : Arrays.stream(v.split(",")).map(Settings::step).toList();
        } else if (a.startsWith("steady=")) {
          steady = Integer.parseInt(v);
        } else {
          throw new IllegalArgumentException("unknown argument " + a);
        }
      }
      return new Settings(latency, pace, cri, sim, steady);
    }

    private static List<Integer> counts(String v) {
      return v.isEmpty() ? List.of() : Arrays.stream(v.split(",")).map(Integer::valueOf).toList();
    }

    private static int[] step(String s) {
      String[] p = s.split("x");
      return new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])};
    }
  }

  static final String NS = "bench";
  static final String IMAGE = "busybox:1.36";

  private final Settings settings;
  private final Path workDir;
  private final PrintStream out;

  public PodStartupBench(Settings settings, Path workDir, PrintStream out) {
    this.settings = settings;
    this.workDir = workDir;
    this.out = out;
  }

  /**
   * Runs the benchmark; arguments override the defaults: {@code latency=20,100} (rounds of latency
   * pods), {@code pace=200,1000} (ms between two latency pods; the rounds run at each), {@code
   * cri=20,100} (bursts), {@code sim=100x3000,300x10000} (nodes x pods per step; {@code sim=} for
   * none), {@code steady=30}.
   */
  public static void main(String[] args) throws Exception {
    new PodStartupBench(
            Settings.parse(args), Path.of(System.getProperty("java.io.tmpdir")), System.out)
        .run();
  }

  public void run() throws Exception {
    Files.createDirectories(workDir);
    RuntimeKind.Choice choice = RuntimeKind.detect();
    if (settings.criPodCounts().isEmpty() && settings.latencyPodCounts().isEmpty()) {
      out.println("pod startup on containerd: not asked for");
    } else if (choice.kind() == RuntimeKind.CRI) {
      containerd();
    } else {
      out.println("pod startup on containerd: skipped (" + choice.reason() + ")");
    }
    simulated();
  }

  // ---- part one: containerd

  private void containerd() throws Exception {
    new ContainerdPodStartup(
            settings.latencyPodCounts(),
            settings.paceMillis(),
            settings.criPodCounts(),
            workDir,
            out)
        .run();
  }

  static Pod pod(String name, String node) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NS)
        .addToLabels("bench", "pods")
        .endMetadata()
        .withNewSpec()
        .withNodeName(node)
        .withTerminationGracePeriodSeconds(1L)
        .addNewContainer()
        .withName("app")
        .withImage(IMAGE)
        .withCommand("sleep", "3600")
        .endContainer()
        .endSpec()
        .build();
  }

  static void namespace(KubernetesClient client) {
    if (client.namespaces().withName(NS).get() == null) {
      client
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
          .create();
    }
  }

  // ---- part two: simulated nodes

  private void simulated() throws Exception {
    new SimulatedNodes(workDir, out, settings.steadySeconds(), NS, PodStartupBench::pod)
        .run(settings.simulated());
  }

  static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      System.err.println("could not delete " + dir + ": " + e);
    }
  }
}
