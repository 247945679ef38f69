package io.k8j.bench.pods;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.k8j.bench.Histogram;
import io.k8j.kubelet.Kubelet;
import io.k8j.kubelet.KubeletOptions;
import io.k8j.kubelet.RuntimeKind;
import io.k8j.kubelet.images.BusyboxImage;
import io.k8j.kubelet.network.CniNetworkConfig;
import io.k8j.testing.cluster.TestApiServer;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * {@code k8j bench pods}. Part one: pod startup latency on one node with containerd (create ->
 * Running as a watch sees it, image present), each round a burst of N pods created at once, p50 and
 * p99 against upstream's SLO (p99 &lt;= 5 s) and the target (p99 &lt; 1 s). Part two: simulated
 * nodes (kwok-like kubelets, one JVM, one API server in the same JVM), step by step, the time for
 * all nodes to be Ready and all pods to be Running, and the JVM's heap and CPU in steady state.
 */
public final class PodStartupBench {
  /**
   * @param criPodCounts the sizes of the containerd bursts
   * @param simulated the (nodes, pods) steps of the simulated part
   * @param steadySeconds how long each simulated step is watched in steady state
   */
  public record Settings(List<Integer> criPodCounts, List<int[]> simulated, int steadySeconds) {
    public static Settings defaults() {
      return new Settings(
          List.of(20, 100), List.of(new int[] {100, 3000}, new int[] {300, 10000}), 30);
    }

    /** The defaults with {@code cri=}, {@code sim=} and {@code steady=} arguments applied. */
    public static Settings parse(String... args) {
      Settings d = defaults();
      List<Integer> cri = d.criPodCounts();
      List<int[]> sim = d.simulated();
      int steady = d.steadySeconds();
      for (String a : args) {
        String v = a.substring(a.indexOf('=') + 1);
        if (a.startsWith("cri=")) {
          cri =
              v.isEmpty() ? List.of() : Arrays.stream(v.split(",")).map(Integer::valueOf).toList();
        } else if (a.startsWith("sim=")) {
          sim = v.isEmpty() ? List.of() : Arrays.stream(v.split(",")).map(Settings::step).toList();
        } else if (a.startsWith("steady=")) {
          steady = Integer.parseInt(v);
        } else {
          throw new IllegalArgumentException("unknown argument " + a);
        }
      }
      return new Settings(cri, sim, steady);
    }

    private static int[] step(String s) {
      String[] p = s.split("x");
      return new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])};
    }
  }

  private static final String NS = "bench";
  private static final String IMAGE = "busybox:1.36";

  private final Settings settings;
  private final Path workDir;
  private final PrintStream out;

  public PodStartupBench(Settings settings, Path workDir, PrintStream out) {
    this.settings = settings;
    this.workDir = workDir;
    this.out = out;
  }

  /**
   * Runs the benchmark; arguments override the defaults: {@code cri=20,100}, {@code
   * sim=100x3000,300x10000} (nodes x pods per step; {@code sim=} for none), {@code steady=30}.
   */
  public static void main(String[] args) throws Exception {
    new PodStartupBench(
            Settings.parse(args), Path.of(System.getProperty("java.io.tmpdir")), System.out)
        .run();
  }

  public void run() throws Exception {
    Files.createDirectories(workDir);
    RuntimeKind.Choice choice = RuntimeKind.detect();
    if (settings.criPodCounts().isEmpty()) {
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
    Path dir = Files.createTempDirectory(workDir, "pods-bench-");
    String node = "bench-node";
    String cidr = "10.88.200.0/22";
    Files.createDirectories(dir.resolve("agent/images"));
    BusyboxImage.write(dir.resolve("agent/images/busybox.tar"), IMAGE);
    out.println("pod startup on one node with containerd (data in " + dir + ")");
    try (TestApiServer api = TestApiServer.start()) {
      KubernetesClient client = api.client();
      namespace(client);
      Kubelet kubelet =
          new Kubelet(
              client,
              KubeletOptions.builder(node, dir)
                  .runtime(RuntimeKind.CRI)
                  .podCidr(cidr)
                  .maxPods(250)
                  .port(0)
                  .bindAddress("127.0.0.1")
                  .build());
      try {
        kubelet.start();
        burst(client, kubelet, node, "warmup", 3);
        out.printf(
            Locale.ROOT,
            "%-8s %10s %10s %10s %12s %10s %10s%n",
            "pods",
            "p50 ms",
            "p99 ms",
            "max ms",
            "all in ms",
            "pods/s",
            "load 1m");
        for (int n : settings.criPodCounts()) {
          Result r = burst(client, kubelet, node, "p" + n, n);
          out.printf(
              Locale.ROOT,
              "%-8d %10.0f %10.0f %10.0f %12.0f %10.1f %10s%n",
              n,
              r.latency.percentileMillis(50),
              r.latency.percentileMillis(99),
              r.latency.percentileMillis(100),
              r.allMillis,
              n / (r.allMillis / 1000.0),
              loadAverage());
          out.printf(
              Locale.ROOT,
              "  CPU per pod: %.0f ms (this JVM %.0f, containerd %.0f, shims and containers %.0f)%n",
              1000 * r.cpu.total() / n,
              1000 * r.cpu.jvm() / n,
              1000 * r.cpu.containerd() / n,
              1000 * r.cpu.shims() / n);
          for (int i = 0; i < PHASES.size(); i++) {
            Histogram p = r.phases.get(i);
            out.printf(
                Locale.ROOT,
                "  %-26s p50 %6.0f ms  p99 %6.0f ms%n",
                PHASES.get(i),
                p.percentileMillis(50),
                p.percentileMillis(99));
          }
        }
        out.println("upstream's SLO: p99 <= 5000 ms; target: p99 < 1000 ms");
      } finally {
        removeSandboxes(kubelet);
        kubelet.close();
      }
    } finally {
      cleanUp(dir, CniNetworkConfig.forNode(node, cidr, dir).bridge());
    }
  }

  /**
   * @param latency create -> Running seen by the bench's watch
   * @param phases where that went, one histogram per {@link #PHASES} entry
   */
  private record Result(Histogram latency, double allMillis, List<Histogram> phases, CpuUse cpu) {}

  /**
   * CPU seconds a burst cost, the figure that does not depend on how busy the machine is: this JVM
   * (API server, kubelet and the bench's client), containerd (with the CNI plugins it ran), and the
   * pods' shims (with the runc runs they waited for) and containers.
   */
  private record CpuUse(double jvm, double containerd, double shims) {
    double total() {
      return jvm + containerd + shims;
    }
  }

  /** The phases of a pod's start the breakdown shows, in order; they add up to the latency. */
  private static final List<String> PHASES =
      List.of(
          "create -> kubelet saw it",
          "-> sandbox and network up",
          "-> containers started",
          "-> Running status written",
          "-> watch saw Running");

  /** Creates n pods at once (8 requests in flight) and waits for a watch to see each Running. */
  private Result burst(KubernetesClient client, Kubelet kubelet, String node, String prefix, int n)
      throws Exception {
    Map<String, Long> created = new ConcurrentHashMap<>();
    Map<String, Long> running = new ConcurrentHashMap<>();
    Map<String, String> uids = new ConcurrentHashMap<>();
    CountDownLatch all = new CountDownLatch(n);
    Watch watch =
        client
            .pods()
            .inNamespace(NS)
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, Pod pod) {
                    String name = pod.getMetadata().getName();
                    uids.putIfAbsent(name, pod.getMetadata().getUid());
                    if (pod.getStatus() != null
                        && "Running".equals(pod.getStatus().getPhase())
                        && running.putIfAbsent(name, System.nanoTime()) == null
                        && name.startsWith(prefix + "-")) {
                      all.countDown();
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
    long containerdPid = kubelet.containerd().map(c -> c.pid()).orElse(-1L);
    double jvm0 = jvmCpuSeconds();
    double containerd0 = processCpuSeconds(containerdPid);
    long start = System.nanoTime();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Semaphore inFlight = new Semaphore(8);
      for (int i = 0; i < n; i++) {
        String name = prefix + "-" + i;
        inFlight.acquire();
        pool.submit(
            () -> {
              try {
                created.put(name, System.nanoTime());
                client.pods().inNamespace(NS).resource(pod(name, node)).create();
              } finally {
                inFlight.release();
              }
              return null;
            });
      }
    }
    boolean done = all.await(10, TimeUnit.MINUTES);
    double allMillis = (System.nanoTime() - start) / 1e6;
    CpuUse cpu =
        new CpuUse(
            jvmCpuSeconds() - jvm0,
            processCpuSeconds(containerdPid) - containerd0,
            shimCpuSeconds(kubelet.paths().agent().toString()));
    watch.close();
    Histogram h = new Histogram();
    List<Histogram> phases = new ArrayList<>();
    PHASES.forEach(p -> phases.add(new Histogram()));
    for (var e : created.entrySet()) {
      Long r = running.get(e.getKey());
      if (r != null) {
        h.record(r - e.getValue());
        String uid = uids.get(e.getKey());
        var ph = uid == null ? null : kubelet.startupTracker().phases(uid).orElse(null);
        if (ph != null && ph.reported() != 0) {
          long[] at = {e.getValue(), ph.seen(), ph.sandbox(), ph.started(), ph.reported(), r};
          for (int i = 0; i < PHASES.size(); i++) {
            phases.get(i).record(Math.max(0, at[i + 1] - at[i]));
          }
        }
      }
    }
    if (!done) {
      out.println("  (" + h.count() + " of " + n + " pods were Running after 10 minutes)");
    }
    client.pods().inNamespace(NS).withGracePeriod(0).delete();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (!kubelet.runtime().listPodSandbox(null).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    return new Result(h, allMillis, phases, cpu);
  }

  private static double jvmCpuSeconds() {
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    return os.getProcessCpuTime() / 1e9;
  }

  /** Clock ticks per second of /proc/PID/stat (USER_HZ, 100 on Linux). */
  private static final double TICKS = 100.0;

  /** A process's CPU time with that of the children it waited for; 0 when it is gone. */
  private static double processCpuSeconds(long pid) {
    if (pid <= 0) {
      return 0;
    }
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = 0;
      for (int i = 11; i <= 14; i++) {
        ticks += Long.parseLong(f[i]);
      }
      return ticks / TICKS;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** The CPU time of the shims serving containers under {@code agentDir}, and of their children. */
  private static double shimCpuSeconds(String agentDir) {
    double sum = 0;
    for (ProcessHandle p : ProcessHandle.allProcesses().toList()) {
      boolean shim =
          p.info().commandLine().map(c -> c.contains("shim") && c.contains(agentDir)).orElse(false);
      if (shim) {
        sum += processCpuSeconds(p.pid());
        for (ProcessHandle c : p.children().toList()) {
          sum += processCpuSeconds(c.pid());
        }
      }
    }
    return sum;
  }

  /**
   * The machine's 1-minute load average, to read the figures beside (the machine may be shared).
   */
  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException e) {
      return "?";
    }
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

  // ---- clean-up

  private static void removeSandboxes(Kubelet kubelet) {
    try {
      for (var s : kubelet.runtime().listPodSandbox(null)) {
        kubelet.runtime().stopPodSandbox(s.getId());
        kubelet.runtime().removePodSandbox(s.getId());
      }
    } catch (RuntimeException e) {
      System.err.println("could not remove sandboxes: " + e);
    }
  }

  private static void cleanUp(Path dir, String bridge) throws IOException {
    List<String> mounts = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String[] f = line.split(" ");
      if (f.length > 4 && f[4].startsWith(dir + "/")) {
        mounts.add(f[4]);
      }
    }
    mounts.sort(Comparator.comparingInt(String::length).reversed());
    for (String m : mounts) {
      run("umount", "-l", m);
    }
    run("ip", "link", "del", bridge);
    deleteTree(dir);
  }

  private static void run(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      p.waitFor(30, TimeUnit.SECONDS);
    } catch (IOException e) {
      System.err.println(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
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
