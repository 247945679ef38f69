package io.k8j.bench.store;

import io.k8j.bench.FigureTable;
import io.k8j.store.Store;
import io.k8j.store.embedded.EmbeddedStore;
import io.k8j.store.etcd.EtcdStore;
import io.k8j.store.etcd.EtcdStoreConfig;
import io.k8j.testing.etcd.EtcdCluster;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code k8j bench store}: the embedded store against a real one-member etcd on the same disk, at
 * equal durability (both fsync every acknowledged write), with the ratio embedded/etcd per figure.
 */
public final class StoreBench {
  private final StoreBenchmark.Settings settings;
  private final Path workDir;
  private final PrintStream out;

  public StoreBench(StoreBenchmark.Settings settings, Path workDir, PrintStream out) {
    this.settings = settings;
    this.workDir = workDir;
    this.out = out;
  }

  public void run() throws IOException, InterruptedException {
    Files.createDirectories(workDir);
    Path base = Files.createTempDirectory(workDir, "store-bench-");
    StoreBenchmark bench = new StoreBenchmark(settings, out);
    out.println("store benchmark in " + base + " (values of " + settings.valueBytes() + " bytes)");
    out.println("embedded store (RocksDB, fsync per group commit):");
    StoreBenchmark.Figures embedded;
    try (Store store = EmbeddedStore.open(base.resolve("embedded"))) {
      embedded = bench.run("embedded", store);
    }
    out.println("etcd (one member, Debian's etcd-server, on the same disk):");
    StoreBenchmark.Figures etcd;
    try (EtcdCluster cluster =
            EtcdCluster.builder()
                .members(1)
                .dataDirectory(base.resolve("etcd"))
                .logDirectory(base.resolve("etcd-logs"))
                .start();
        Store store = EtcdStore.connect(EtcdStoreConfig.of(cluster.clientEndpoints()))) {
      etcd = bench.run("etcd", store);
    }
    out.println();
    table(embedded, etcd).print(out);
    deleteTree(base);
  }

  private FigureTable table(StoreBenchmark.Figures embedded, StoreBenchmark.Figures etcd) {
    FigureTable t = new FigureTable(List.of("embedded", "etcd"));
    int[] writers = settings.writerCounts();
    for (int i = 0; i < writers.length; i++) {
      String w = String.format(Locale.ROOT, "%d writers", writers[i]);
      t.define(w + " throughput", "writes/s", true);
      t.put("embedded", w + " throughput", embedded.writesPerSecond()[i]);
      t.put("etcd", w + " throughput", etcd.writesPerSecond()[i]);
      t.define(w + " p50", "ms", false);
      t.put("embedded", w + " p50", embedded.writeP50Millis()[i]);
      t.put("etcd", w + " p50", etcd.writeP50Millis()[i]);
      t.define(w + " p99", "ms", false);
      t.put("embedded", w + " p99", embedded.writeP99Millis()[i]);
      t.put("etcd", w + " p99", etcd.writeP99Millis()[i]);
    }
    String range = "range " + settings.rangeKeys() + " keys";
    t.define(range, "ms", false);
    t.put("embedded", range, embedded.rangeMillis());
    t.put("etcd", range, etcd.rangeMillis());
    String watch = "watch p99, " + settings.watchers() + " watchers";
    t.define(watch, "ms", false);
    t.put("embedded", watch, embedded.watchP99Millis());
    t.put("etcd", watch, etcd.watchP99Millis());
    return t;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
