package io.k8j.bench.pods;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.k8j.bench.Histogram;
import io.k8j.bench.LoadAverage;
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
import java.util.concurrent.locks.LockSupport;

/**
 * Pod startup latency on one node with containerd: create -> Running as a watch sees it, image
 * present. Two parts, as clusterloader2's density test measures them apart:
 *
 * <ul>
 *   <li><b>latency pods</b>: pods created one at a time at a steady pace (upstream's density test
 *       creates its latency pods at 5 per second, one every 200 ms) on a node that keeps running
 *       the earlier ones; this is what upstream's SLO (p99 &lt;= 5 s) is measured on;
 *   <li><b>bursts</b> (upstream's saturation phase): N pods created at once, for throughput.
 * </ul>
 *
 * Both are printed against the target (p99 &lt; 1 s) and the SLO, with the load average beside each
 * figure and where each pod's time went.
 */
final class ContainerdPodStartup {
  private static final String NS = PodStartupBench.NS;
  private static final double TARGET_MILLIS = 1000;
  private static final double SLO_MILLIS = 5000;
  private static final int WARMUP_PODS = 20;

  /** The phases of a pod's start the breakdown shows, in order; they add up to the latency. */
  private static final List<String> PHASES =
      List.of(
          "create -> kubelet saw it",
          "-> sandbox and network up",
          "-> containers started",
          "-> Running status written",
          "-> watch saw Running");

  private final List<Integer> latencyCounts;
  private final List<Long> paceMillis;
  private final List<Integer> burstCounts;
  private final Path workDir;
  private final PrintStream out;
  private final List<String> verdicts = new ArrayList<>();
  private boolean allMet = true;

  ContainerdPodStartup(
      List<Integer> latencyCounts,
      List<Long> paceMillis,
      List<Integer> burstCounts,
      Path workDir,
      PrintStream out) {
    this.latencyCounts = latencyCounts;
    this.paceMillis = paceMillis;
    this.burstCounts = burstCounts;
    this.workDir = workDir;
    this.out = out;
  }

  /**
   * @param latency create -> Running seen by the bench's watch
   * @param allMillis from the first create to the last pod seen Running
   * @param phases where that went, one histogram per {@link #PHASES} entry
   * @param load the load averages when the round ended
   */
  private record Result(
      Histogram latency, double allMillis, List<Histogram> phases, CpuUse cpu, String load) {}

  /**
   * CPU seconds a round cost, the figure that does not depend on how busy the machine is: this JVM
   * (API server, kubelet and the bench's client), containerd (with the CNI plugins it ran), and the
   * pods' shims (with the runc runs they waited for) and containers.
   */
  private record CpuUse(double jvm, double containerd, double shims) {
    double total() {
      return jvm + containerd + shims;
    }
  }

  void run() throws Exception {
    Path dir = Files.createTempDirectory(workDir, "pods-bench-");
    String node = "bench-node";
    String cidr = "10.88.200.0/22";
    Files.createDirectories(dir.resolve("agent/images"));
    BusyboxImage.write(dir.resolve("agent/images/busybox.tar"), PodStartupBench.IMAGE);
    out.println("pod startup on one node with containerd (data in " + dir + ")");
    out.println("load average (1, 5, 15 min) at the start: " + LoadAverage.now());
    try (TestApiServer api = TestApiServer.start()) {
      KubernetesClient client = api.client();
      PodStartupBench.namespace(client);
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
        // a node that has run pods before, as upstream measures on a running cluster: the JVM's
        // compiler has seen the pod start path, containerd has its shims' binaries in the page
        // cache
        Round warmup = new Round(client, kubelet, "warmup", WARMUP_PODS);
        warmup.burst(node);
        warmup.finish();
        deleteAll(client, kubelet);
        out.println(
            "warm-up: "
                + WARMUP_PODS
                + " pods started and deleted before the measured rounds (load "
                + LoadAverage.now()
                + ")");
        for (long pace : paceMillis) {
          latencyPods(client, kubelet, node, pace);
        }
        bursts(client, kubelet, node);
        out.println();
        out.printf(
            Locale.ROOT,
            "against the target (p99 < %.0f ms) and upstream's SLO (p99 <= %.0f ms):%n",
            TARGET_MILLIS,
            SLO_MILLIS);
        verdicts.forEach(out::println);
        out.println(
            allMet
                ? "target met by every round"
                : "target NOT met by every round (see the rows marked missed)");
      } finally {
        removeSandboxes(kubelet);
        kubelet.close();
      }
    } finally {
      cleanUp(dir, CniNetworkConfig.forNode(node, cidr, dir).bridge());
    }
  }

  /** Latency pods: each count created one at a time at the pace, the earlier pods left running. */
  private void latencyPods(KubernetesClient client, Kubelet kubelet, String node, long pace)
      throws Exception {
    if (latencyCounts.isEmpty()) {
      return;
    }
    out.println();
    out.printf(
        Locale.ROOT,
        "(a) latency pods, as clusterloader2's density test: one pod created every %d ms (%.1f"
            + " per second; upstream's density test creates its latency pods at 5 per second across"
            + " the cluster), each round on a node still running the pods of the rounds before%n",
        pace,
        1000.0 / pace);
    header("running before");
    int runningBefore = 0;
    for (int n : latencyCounts) {
      Round round = new Round(client, kubelet, "lat" + pace + "-" + n, n);
      round.paced(node, pace);
      Result r = round.finish();
      row(n, Integer.toString(runningBefore), r);
      verdict("latency pods, " + n + ", one every " + pace + " ms", r);
      runningBefore += n;
    }
    deleteAll(client, kubelet);
  }

  /** Bursts (upstream's saturation phase): each count created at once, then all deleted. */
  private void bursts(KubernetesClient client, Kubelet kubelet, String node) throws Exception {
    if (burstCounts.isEmpty()) {
      return;
    }
    out.println();
    out.println(
        "(b) bursts, as the density test's saturation phase: N pods created at once (8 requests in"
            + " flight) on an empty node; throughput = N / (first create -> last Running)");
    header("pods/s");
    for (int n : burstCounts) {
      Round round = new Round(client, kubelet, "p" + n, n);
      round.burst(node);
      Result r = round.finish();
      row(n, String.format(Locale.ROOT, "%.1f", n / (r.allMillis / 1000.0)), r);
      verdict("burst, " + n, r);
      deleteAll(client, kubelet);
    }
  }

  private void header(String extra) {
    out.printf(
        Locale.ROOT,
        "%-6s %8s %8s %8s %8s %10s %15s   %s%n",
        "pods",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "max ms",
        "all in ms",
        extra,
        "load 1/5/15 min");
  }

  private void row(int n, String extra, Result r) {
    out.printf(
        Locale.ROOT,
        "%-6d %8.0f %8.0f %8.0f %8.0f %10.0f %15s   %s%n",
        n,
        r.latency.percentileMillis(50),
        r.latency.percentileMillis(90),
        r.latency.percentileMillis(99),
        r.latency.percentileMillis(100),
        r.allMillis,
        extra,
        r.load);
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

  private void verdict(String what, Result r) {
    double p99 = r.latency.percentileMillis(99);
    boolean complete = r.latency.count() > 0;
    boolean target = complete && p99 < TARGET_MILLIS;
    boolean slo = complete && p99 <= SLO_MILLIS;
    allMet &= target;
    verdicts.add(
        String.format(
            Locale.ROOT,
            "  %-38s p99 %7.0f ms   target %-6s   SLO %-6s   (load %s)",
            what,
            p99,
            target ? "met" : "missed",
            slo ? "met" : "missed",
            r.load));
  }

  /** One round of pods named {@code prefix-i}, watched from before the first is created. */
  private final class Round {
    final KubernetesClient client;
    final Kubelet kubelet;
    final String prefix;
    final Map<String, Long> created = new ConcurrentHashMap<>();
    final Map<String, Long> running = new ConcurrentHashMap<>();
    final Map<String, String> uids = new ConcurrentHashMap<>();
    final int n;
    final CountDownLatch all;
    final Watch watch;
    final long containerdPid;
    final double jvm0;
    final double containerd0;
    final double shims0;
    long start;

    Round(KubernetesClient client, Kubelet kubelet, String prefix, int n) {
      this.client = client;
      this.kubelet = kubelet;
      this.prefix = prefix;
      this.n = n;
      this.all = new CountDownLatch(n);
      this.watch =
          client
              .pods()
              .inNamespace(NS)
              .watch(
                  new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, Pod pod) {
                      seen(pod);
                    }

                    @Override
                    public void onClose(WatcherException cause) {}
                  });
      this.containerdPid = kubelet.containerd().map(c -> c.pid()).orElse(-1L);
      this.jvm0 = jvmCpuSeconds();
      this.containerd0 = processCpuSeconds(containerdPid);
      this.shims0 = shimCpuSeconds(kubelet.paths().agent().toString());
    }

    private void seen(Pod pod) {
      String name = pod.getMetadata().getName();
      if (!name.startsWith(prefix + "-")) {
        return;
      }
      uids.putIfAbsent(name, pod.getMetadata().getUid());
      if (pod.getStatus() != null
          && "Running".equals(pod.getStatus().getPhase())
          && running.putIfAbsent(name, System.nanoTime()) == null) {
        all.countDown();
      }
    }

    /** Creates n pods at once, 8 requests in flight. */
    void burst(String node) throws InterruptedException {
      start = System.nanoTime();
      try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        Semaphore inFlight = new Semaphore(8);
        for (int i = 0; i < n; i++) {
          String name = prefix + "-" + i;
          inFlight.acquire();
          pool.submit(
              () -> {
                try {
                  create(name, node);
                } finally {
                  inFlight.release();
                }
                return null;
              });
        }
      }
    }

    /**
     * Creates n pods, the i-th at {@code i * pace} after the first, as clusterloader2's uniform qps
     * load: a create does not wait for the one before it to be answered.
     */
    void paced(String node, long pace) {
      start = System.nanoTime();
      try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int i = 0; i < n; i++) {
          long due = start + TimeUnit.MILLISECONDS.toNanos(pace * i);
          for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
            LockSupport.parkNanos(wait);
          }
          String name = prefix + "-" + i;
          pool.submit(
              () -> {
                create(name, node);
                return null;
              });
        }
      }
    }

    private void create(String name, String node) {
      created.put(name, System.nanoTime());
      client.pods().inNamespace(NS).resource(PodStartupBench.pod(name, node)).create();
    }

    /** Waits for the pods to be seen Running (10 minutes at most) and sums the round up. */
    Result finish() throws InterruptedException {
      boolean done = all.await(10, TimeUnit.MINUTES);
      long last = running.values().stream().mapToLong(Long::longValue).max().orElse(start);
      double allMillis = (last - start) / 1e6;
      CpuUse cpu =
          new CpuUse(
              jvmCpuSeconds() - jvm0,
              processCpuSeconds(containerdPid) - containerd0,
              shimCpuSeconds(kubelet.paths().agent().toString()) - shims0);
      String load = LoadAverage.now();
      watch.close();
      Histogram h = new Histogram();
      List<Histogram> phases = new ArrayList<>();
      PHASES.forEach(p -> phases.add(new Histogram()));
      for (var c : created.entrySet()) {
        Long r = running.get(c.getKey());
        if (r == null) {
          continue;
        }
        h.record(r - c.getValue());
        String uid = uids.get(c.getKey());
        var ph = uid == null ? null : kubelet.startupTracker().phases(uid).orElse(null);
        if (ph != null && ph.reported() != 0) {
          long[] at = {c.getValue(), ph.seen(), ph.sandbox(), ph.started(), ph.reported(), r};
          for (int i = 0; i < PHASES.size(); i++) {
            phases.get(i).record(Math.max(0, at[i + 1] - at[i]));
          }
        }
      }
      if (!done) {
        out.println("  (" + h.count() + " of " + n + " pods were Running after 10 minutes)");
      }
      return new Result(h, allMillis, phases, cpu, load);
    }
  }

  /** Deletes every pod of the namespace at once and waits for their sandboxes to go. */
  private static void deleteAll(KubernetesClient client, Kubelet kubelet)
      throws InterruptedException {
    client.pods().inNamespace(NS).withGracePeriod(0).delete();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (!kubelet.runtime().listPodSandbox(null).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
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
    PodStartupBench.deleteTree(dir);
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
}
