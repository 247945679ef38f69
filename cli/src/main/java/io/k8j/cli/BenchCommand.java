package io.k8j.cli;

import picocli.CommandLine.Command;

/** {@code k8j bench}: the benchmarks under {@code bench/}, run on demand. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Run a benchmark and print its figures.",
    subcommands = {})
final class BenchCommand implements Runnable {
  @Override
  public void run() {
    System.out.println("benchmarks: see k8j bench --help");
  }
}
