package io.k8j.cli;

import io.k8j.bench.dns.DnsBench;
import io.k8j.bench.logs.LogsBench;
import io.k8j.bench.pods.PodStartupBench;
import io.k8j.bench.proxy.ProxyBench;
import io.k8j.bench.scheduler.SchedulerBench;
import io.k8j.bench.store.StoreBench;
import io.k8j.bench.store.StoreBenchmark;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/** {@code k8j bench}: the benchmarks under {@code bench/}, run on demand; each prints figures. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Run a benchmark and print its figures.",
    subcommands = {
      BenchCommand.Store.class,
      BenchCommand.Scheduler.class,
      BenchCommand.Dns.class,
      BenchCommand.Proxy.class,
      BenchCommand.Api.class,
      BenchCommand.Logs.class,
      BenchCommand.Pods.class
    })
final class BenchCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(
      name = "store",
      mixinStandardHelpOptions = true,
      description = "The embedded store against a real etcd: throughput, latency, range, watch.")
  static final class Store implements Callable<Integer> {
    @Option(
        names = "--dir",
        description =
            "Where both stores keep their data (same disk for both; default: ${DEFAULT-VALUE}).")
    Path dir = Path.of("target", "bench");

    @Option(
        names = "--seconds",
        description = "Length of each write phase (default: ${DEFAULT-VALUE}).")
    int seconds = 5;

    @Override
    public Integer call() throws Exception {
      StoreBenchmark.Settings d = StoreBenchmark.Settings.defaults();
      StoreBenchmark.Settings s =
          new StoreBenchmark.Settings(
              Duration.ofSeconds(seconds),
              d.writerCounts(),
              d.rangeKeys(),
              d.rangeReads(),
              d.watchers(),
              d.watchWritesPerSecond(),
              d.watchPhase(),
              d.valueBytes());
      new StoreBench(s, dir, System.out).run();
      return 0;
    }
  }

  @Command(
      name = "scheduler",
      mixinStandardHelpOptions = true,
      description = {
        "Scheduling throughput and latency with nodes as objects, as upstream's scheduler_perf.",
        "Options: --nodes=500,5000 --pods=10000 --creators=8 --scenarios=basic,anti,spread"
            + " --modes=concurrent,preloaded"
      })
  static final class Scheduler implements Callable<Integer> {
    /**
     * --nodes=500,5000 --pods=10000 --creators=8 --scenarios=... --modes=..., as the bench reads
     * them.
     */
    @Unmatched List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      new SchedulerBench(SchedulerBench.Settings.parse(args.toArray(String[]::new)), System.out)
          .run();
      return 0;
    }
  }

  @Command(
      name = "api",
      mixinStandardHelpOptions = true,
      description =
          "The API server: create throughput, request latency with 10,000 pods, watch fan-out,"
              + " and vcluster's 5,000-secret load at 200 requests/s.")
  static final class Api implements Callable<Integer> {
    @Option(names = "--quick", description = "A small run, to check the benchmark works.")
    boolean quick;

    @Override
    public Integer call() throws Exception {
      new io.k8j.bench.api.ApiBench(
              quick
                  ? io.k8j.bench.api.ApiBench.Settings.quick()
                  : io.k8j.bench.api.ApiBench.Settings.defaults(),
              System.out)
          .run();
      return 0;
    }
  }

  @Command(
      name = "dns",
      mixinStandardHelpOptions = true,
      description = "Cluster DNS queries per second and latency against CoreDNS's figure.")
  static final class Dns implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      new DnsBench(DnsBench.Settings.defaults()).run(System.out);
      return 0;
    }
  }

  @Command(
      name = "proxy",
      mixinStandardHelpOptions = true,
      description = "Requests through a ClusterIP and a NodePort against straight to the pod.")
  static final class Proxy implements Callable<Integer> {
    @Parameters(description = "Modes to measure (default: all).")
    Set<String> modes = Set.of();

    @Override
    public Integer call() throws Exception {
      ProxyBench.Settings s = ProxyBench.Settings.defaults();
      new ProxyBench(modes.isEmpty() ? s : s.withModes(modes)).run(System.out);
      return 0;
    }
  }

  @Command(
      name = "logs",
      mixinStandardHelpOptions = true,
      description = "Memory per kubectl logs -f follower, many following one pod on one node.")
  static final class Logs implements Callable<Integer> {
    @Option(
        names = "--followers",
        description = "Concurrent kubectl logs -f (default: ${DEFAULT-VALUE}).")
    int followers = 100;

    @Option(
        names = "--dir",
        description = "Where the node keeps its data (default: ${DEFAULT-VALUE}).")
    Path dir = Path.of("target", "bench");

    @Override
    public Integer call() throws Exception {
      LogsBench.Settings d = LogsBench.Settings.defaults();
      new LogsBench(new LogsBench.Settings(followers, d.measure()), dir).run(System.out);
      return 0;
    }
  }

  @Command(
      name = "pods",
      mixinStandardHelpOptions = true,
      description = {
        "Pod startup latency on one node with containerd (create -> Running seen by a watch,"
            + " image present): latency pods created at a steady pace, as clusterloader2's"
            + " density test, then bursts; then how many simulated nodes and pods one JVM"
            + " sustains.",
        "Options: latency=20,100 (rounds of latency pods; latency= for none) pace=200,1000 (ms"
            + " between two latency pods, the rounds run at each; 200 is upstream's 5 per second)"
            + " cri=20,100 (burst sizes; cri= for none) sim=100x3000,300x10000 (nodes x pods per"
            + " step; sim= for none) steady=30 (seconds watched per step)"
      })
  static final class Pods implements Callable<Integer> {
    @Option(
        names = "--dir",
        description = "Where the node keeps its data during the run (default: ${DEFAULT-VALUE}).")
    Path dir = Path.of(System.getProperty("java.io.tmpdir"));

    /** latency=..., pace=..., cri=..., sim=..., steady=..., as the bench reads them. */
    @Unmatched List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      new PodStartupBench(
              PodStartupBench.Settings.parse(args.toArray(String[]::new)), dir, System.out)
          .run();
      return 0;
    }
  }
}
