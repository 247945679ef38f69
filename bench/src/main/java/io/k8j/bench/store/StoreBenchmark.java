package io.k8j.bench.store;

import io.k8j.bench.Histogram;
import io.k8j.store.KeyRange;
import io.k8j.store.LeaseId;
import io.k8j.store.RangeRequest;
import io.k8j.store.Revision;
import io.k8j.store.Store;
import io.k8j.store.StoreException;
import io.k8j.store.Watch;
import io.k8j.store.WatchEvent;
import io.k8j.store.WatchListener;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures one store backend: write throughput and latency at several concurrencies, a range over
 * many keys, and watch delivery latency with many watchers. Every write is a durable, conditional
 * create, as the API server does for a new object.
 */
public final class StoreBenchmark {
  /** How long and how big each phase is. */
  public record Settings(
      Duration writePhase,
      int[] writerCounts,
      int rangeKeys,
      int rangeReads,
      int watchers,
      int watchWritesPerSecond,
      Duration watchPhase,
      int valueBytes) {
    public static Settings defaults() {
      return new Settings(
          Duration.ofSeconds(5),
          new int[] {1, 16, 128},
          10_000,
          20,
          100,
          200,
          Duration.ofSeconds(5),
          1024);
    }
  }

  /** The figures of one run. */
  public record Figures(
      double[] writesPerSecond,
      double[] writeP50Millis,
      double[] writeP99Millis,
      double rangeMillis,
      double watchP99Millis,
      long watchEventsDelivered) {}

  private final Settings settings;
  private final PrintStream progress;

  public StoreBenchmark(Settings settings, PrintStream progress) {
    this.settings = settings;
    this.progress = progress;
  }

  public Figures run(String name, Store store) throws InterruptedException {
    int n = settings.writerCounts().length;
    double[] wps = new double[n];
    double[] p50 = new double[n];
    double[] p99 = new double[n];
    for (int i = 0; i < n; i++) {
      int writers = settings.writerCounts()[i];
      Histogram h = new Histogram();
      wps[i] = writes(store, "/bench/w" + writers + "/", writers, h);
      p50[i] = h.percentileMillis(50);
      p99[i] = h.percentileMillis(99);
      progress.printf(
          Locale.ROOT,
          "  %s: %d writers: %.0f writes/s, p50 %.2f ms, p99 %.2f ms%n",
          name,
          writers,
          wps[i],
          p50[i],
          p99[i]);
    }
    double range = range(store);
    progress.printf(
        Locale.ROOT, "  %s: range over %d keys: %.1f ms%n", name, settings.rangeKeys(), range);
    AtomicLong delivered = new AtomicLong();
    double watchP99 = watchLatency(store, delivered);
    progress.printf(
        Locale.ROOT,
        "  %s: watch delivery p99 with %d watchers: %.2f ms (%d events)%n",
        name,
        settings.watchers(),
        watchP99,
        delivered.get());
    return new Figures(wps, p50, p99, range, watchP99, delivered.get());
  }

  private double writes(Store store, String prefix, int writers, Histogram latency)
      throws InterruptedException {
    byte[] value = new byte[settings.valueBytes()];
    AtomicInteger seq = new AtomicInteger();
    long deadline = System.nanoTime() + settings.writePhase().toNanos();
    CountDownLatch done = new CountDownLatch(writers);
    List<Histogram> perWriter = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int w = 0; w < writers; w++) {
        Histogram mine = new Histogram();
        perWriter.add(mine);
        pool.submit(
            () -> {
              try {
                while (System.nanoTime() < deadline) {
                  long t0 = System.nanoTime();
                  store.create(prefix + seq.getAndIncrement(), value, LeaseId.NONE);
                  mine.record(System.nanoTime() - t0);
                }
              } finally {
                done.countDown();
              }
              return null;
            });
      }
      long start = System.nanoTime();
      done.await();
      double seconds = (System.nanoTime() - start) / 1e9;
      for (Histogram h : perWriter) {
        latency.addAll(h);
      }
      return latency.count() / seconds;
    }
  }

  private double range(Store store) throws InterruptedException {
    String prefix = "/bench/range/";
    byte[] value = new byte[settings.valueBytes()];
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      int keys = settings.rangeKeys();
      CountDownLatch loaded = new CountDownLatch(keys);
      for (int i = 0; i < keys; i++) {
        String key = String.format(Locale.ROOT, "%s%06d", prefix, i);
        pool.submit(
            () -> {
              store.create(key, value, LeaseId.NONE);
              loaded.countDown();
            });
      }
      loaded.await();
    }
    Histogram h = new Histogram();
    for (int i = 0; i < settings.rangeReads(); i++) {
      long t0 = System.nanoTime();
      int got = store.range(RangeRequest.prefix(prefix)).kvs().size();
      h.record(System.nanoTime() - t0);
      if (got != settings.rangeKeys()) {
        throw new IllegalStateException(
            "range returned " + got + " keys, not " + settings.rangeKeys());
      }
    }
    return h.percentileMillis(50);
  }

  private double watchLatency(Store store, AtomicLong delivered) throws InterruptedException {
    String prefix = "/bench/watch/";
    Histogram latency = new Histogram();
    List<Watch> watches = new ArrayList<>();
    int writes = (int) (settings.watchWritesPerSecond() * settings.watchPhase().toSeconds());
    CountDownLatch allDelivered = new CountDownLatch(settings.watchers());
    for (int i = 0; i < settings.watchers(); i++) {
      AtomicInteger seen = new AtomicInteger();
      watches.add(
          store.watch(
              KeyRange.prefix(prefix),
              Revision.ZERO,
              new WatchListener() {
                @Override
                public void onEvents(List<WatchEvent> events) {
                  long now = System.nanoTime();
                  for (WatchEvent e : events) {
                    latency.record(now - ByteBuffer.wrap(e.kv().value()).getLong());
                    delivered.incrementAndGet();
                    if (seen.incrementAndGet() == writes) {
                      allDelivered.countDown();
                    }
                  }
                }

                @Override
                public void onError(StoreException error) {
                  System.err.println("watch failed: " + error.getMessage());
                }
              }));
    }
    long intervalNanos = 1_000_000_000L / settings.watchWritesPerSecond();
    long next = System.nanoTime();
    for (int i = 0; i < writes; i++) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(Duration.ofNanos(wait));
      }
      next += intervalNanos;
      byte[] value = ByteBuffer.allocate(settings.valueBytes()).putLong(System.nanoTime()).array();
      store.create(prefix + i, value, LeaseId.NONE);
    }
    if (!allDelivered.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
      progress.println("  warning: not every watcher saw every event within 30 s");
    }
    watches.forEach(Watch::close);
    return latency.percentileMillis(99);
  }
}
