package io.k8j.cli;

import io.k8j.bench.store.StoreBench;
import io.k8j.bench.store.StoreBenchmark;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code k8j bench}: the benchmarks under {@code bench/}, run on demand. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Run a benchmark and print its figures.",
    subcommands = {BenchCommand.Store.class})
final class BenchCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

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
}
