package io.k8j.bench.logs;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Memory per log follower: one node (the process runtime) runs a pod writing ten lines a second;
 * {@code followers} real {@code kubectl logs -f} processes follow it through the API server and the
 * kubelet, both in this JVM. Prints the heap (after a full GC) and the resident set of this JVM
 * before and with the followers, the difference per follower, and the lines each follower received
 * per second while measured. The kubectl processes themselves are not counted: they are the
 * clients, not what the node pays.
 */
public final class LogsBench {
  static final String IMAGE = "busybox:1.36";

  /**
   * @param followers concurrent {@code kubectl logs -f}
   * @param measure how long the followers are watched once all of them receive lines
   */
  public record Settings(int followers, Duration measure) {
    public static Settings defaults() {
      return new Settings(100, Duration.ofSeconds(10));
    }
  }

  private final Settings settings;
  private final Path workDir;

  public LogsBench(Settings settings, Path workDir) {
    this.settings = settings;
    this.workDir = workDir;
  }

  public static void main(String[] args) throws Exception {
    new LogsBench(Settings.defaults(), Path.of("target", "bench")).run(System.out);
    System.exit(0);
  }

  public void run(PrintStream out) throws Exception {
    Files.createDirectories(workDir);
    Path dir = Files.createTempDirectory(workDir.toAbsolutePath(), "logs-bench-");
    String node = "logs-bench";
    String cidr = "10.88.220.0/24";
    Files.createDirectories(dir.resolve("agent/images"));
    BusyboxImage.write(dir.resolve("agent/images/busybox.tar"), IMAGE);
    List<Process> followers = new ArrayList<>();
    java.util.Set<String> errors = java.util.concurrent.ConcurrentHashMap.newKeySet();
    Kubelet kubelet = null;
    try (TestApiServer api = TestApiServer.start()) {
      KubernetesClient client = api.client();
      kubelet =
          new Kubelet(
              client,
              KubeletOptions.builder(node, dir)
                  .runtime(RuntimeKind.PROCESS)
                  .podCidr(cidr)
                  .port(0)
                  .bindAddress("127.0.0.1")
                  .nodeIp("127.0.0.1")
                  .build());
      kubelet.start();
      client.pods().inNamespace("default").resource(talker(node)).create();
      client
          .pods()
          .inNamespace("default")
          .withName("talker")
          .waitUntilCondition(
              p -> p != null && "Running".equals(p.getStatus().getPhase()), 2, TimeUnit.MINUTES);
      Memory before = Memory.measure();

      AtomicLongArray lines = new AtomicLongArray(settings.followers());
      for (int i = 0; i < settings.followers(); i++) {
        followers.add(follow(api.kubeconfig(), lines, i, errors));
      }
      long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
      while (receiving(lines) < settings.followers() && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      int receiving = receiving(lines);
      long[] start = snapshot(lines);
      Thread.sleep(settings.measure().toMillis());
      long[] end = snapshot(lines);
      Memory with = Memory.measure();

      int n = settings.followers();
      double secs = settings.measure().toMillis() / 1000.0;
      double minRate = Double.MAX_VALUE;
      double sum = 0;
      for (int i = 0; i < n; i++) {
        double r = (end[i] - start[i]) / secs;
        minRate = Math.min(minRate, r);
        sum += r;
      }
      out.printf(Locale.ROOT, "log followers on one node: %d kubectl logs -f%n", n);
      out.printf(Locale.ROOT, "followers receiving lines: %d of %d%n", receiving, n);
      out.printf(
          Locale.ROOT,
          "lines/s per follower while measured: mean %.1f, min %.1f (the pod writes 10/s)%n",
          sum / n,
          minRate);
      out.printf(Locale.ROOT, "%-28s %12s %12s %14s%n", "", "before", "with", "per follower");
      row(out, "heap after full GC (MiB)", before.heap(), with.heap(), n);
      row(out, "resident set (MiB)", before.rss(), with.rss(), n);
      out.printf(
          Locale.ROOT,
          "%-28s %12d %12d %14.2f%n",
          "platform threads",
          before.threads(),
          with.threads(),
          (with.threads() - before.threads()) / (double) n);
      out.println("target: a few MB per follower at most");
      if (!errors.isEmpty()) {
        out.println("followers that failed, their first words: " + errors);
      }
      stop(followers);
    } finally {
      stop(followers);
      if (kubelet != null) {
        try {
          for (var s : kubelet.runtime().listPodSandbox(null)) {
            kubelet.runtime().stopPodSandbox(s.getId());
            kubelet.runtime().removePodSandbox(s.getId());
          }
        } catch (RuntimeException e) {
          System.err.println("could not remove sandboxes: " + e);
        }
        kubelet.close();
      }
      run("ip", "link", "del", CniNetworkConfig.forNode(node, cidr, dir).bridge());
      deleteTree(dir);
    }
  }

  private static void row(PrintStream out, String what, long before, long with, int n) {
    double mib = 1024.0 * 1024.0;
    out.printf(
        Locale.ROOT,
        "%-28s %12.1f %12.1f %14.3f%n",
        what,
        before / mib,
        with / mib,
        (with - before) / mib / n);
  }

  private static Pod talker(String node) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("talker")
        .withNamespace("default")
        .endMetadata()
        .withNewSpec()
        .withNodeName(node)
        .addNewContainer()
        .withName("talker")
        .withImage(IMAGE)
        .withCommand("sh", "-c", "i=0; while :; do i=$((i+1)); echo line-$i; sleep 0.1; done")
        .endContainer()
        .endSpec()
        .build();
  }

  private static void stop(List<Process> followers) throws InterruptedException {
    for (Process p : followers) {
      p.destroyForcibly();
    }
    for (Process p : followers) {
      p.waitFor(10, TimeUnit.SECONDS);
    }
    followers.clear();
  }

  /** Starts one follower; counts the log lines it prints, keeps anything else it says. */
  private static Process follow(
      Path kubeconfig, AtomicLongArray lines, int i, java.util.Set<String> errors)
      throws IOException {
    Process p =
        new ProcessBuilder(
                "/usr/bin/kubectl",
                "--kubeconfig=" + kubeconfig,
                "logs",
                "-f",
                "--tail=1",
                "talker")
            .redirectErrorStream(true)
            .start();
    Thread.ofVirtual()
        .start(
            () -> {
              try (var in =
                  new java.io.BufferedReader(
                      new java.io.InputStreamReader(
                          p.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  if (line.startsWith("line-")) {
                    lines.incrementAndGet(i);
                  } else if (errors.size() < 5) {
                    errors.add(line.length() > 200 ? line.substring(0, 200) : line);
                  }
                }
              } catch (IOException e) {
                // the follower was stopped
              }
            });
    return p;
  }

  private static int receiving(AtomicLongArray lines) {
    int n = 0;
    for (int i = 0; i < lines.length(); i++) {
      if (lines.get(i) > 0) {
        n++;
      }
    }
    return n;
  }

  private static long[] snapshot(AtomicLongArray lines) {
    long[] out = new long[lines.length()];
    for (int i = 0; i < out.length; i++) {
      out[i] = lines.get(i);
    }
    return out;
  }

  /** This JVM's heap after a full GC, its resident set and its platform threads. */
  private record Memory(long heap, long rss, int threads) {
    static Memory measure() throws Exception {
      for (int i = 0; i < 3; i++) {
        System.gc();
        Thread.sleep(200);
      }
      long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      long rss = 0;
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          rss = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
      return new Memory(heap, rss, ManagementFactory.getThreadMXBean().getThreadCount());
    }
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

  private static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      System.err.println("could not delete " + dir + ": " + e);
    }
  }
}
