package io.k8j.bench;

import java.util.Arrays;

/** Latency samples in nanoseconds; percentiles by sorting (benchmarks take at most millions). */
public final class Histogram {
  private long[] samples = new long[1024];
  private int size;

  public synchronized void record(long nanos) {
    if (size == samples.length) {
      samples = Arrays.copyOf(samples, size * 2);
    }
    samples[size++] = nanos;
  }

  public synchronized void addAll(Histogram other) {
    long[] o;
    int n;
    synchronized (other) {
      o = other.samples;
      n = other.size;
    }
    for (int i = 0; i < n; i++) {
      record(o[i]);
    }
  }

  public synchronized int count() {
    return size;
  }

  /** The mean in milliseconds; NaN when empty. */
  public synchronized double meanMillis() {
    if (size == 0) {
      return Double.NaN;
    }
    double sum = 0;
    for (int i = 0; i < size; i++) {
      sum += samples[i];
    }
    return sum / size / 1e6;
  }

  /** The {@code p}-th percentile (0 < p <= 100) in milliseconds; NaN when empty. */
  public synchronized double percentileMillis(double p) {
    if (size == 0) {
      return Double.NaN;
    }
    long[] sorted = Arrays.copyOf(samples, size);
    Arrays.sort(sorted);
    int idx = (int) Math.ceil(p / 100.0 * size) - 1;
    return sorted[Math.max(0, Math.min(size - 1, idx))] / 1e6;
  }
}
