package io.k8j.kubelet.stats;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The last samples of one container (or pod, or the node), oldest overwritten first: what the
 * summary API and, later, the autoscaler read. Safe for one writer and many readers.
 */
public final class UsageRing {
  private final Usage[] samples;
  private int next;
  private int size;

  public UsageRing(int capacity) {
    if (capacity < 2) {
      throw new IllegalArgumentException("a ring keeps at least two samples");
    }
    this.samples = new Usage[capacity];
  }

  public synchronized void add(Usage u) {
    samples[next] = u;
    next = (next + 1) % samples.length;
    size = Math.min(size + 1, samples.length);
  }

  /** The samples kept, oldest first. */
  public synchronized List<Usage> samples() {
    List<Usage> out = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      out.add(samples[(next - size + i + samples.length) % samples.length]);
    }
    return out;
  }

  public synchronized Usage latest() {
    return size == 0 ? null : samples[(next - 1 + samples.length) % samples.length];
  }

  /**
   * The CPU rate between the last two samples in nanocores (nanoseconds of CPU per second), or -1
   * while there are fewer than two (or the counter went back, as when a cgroup is recreated).
   */
  public synchronized long nanoCores() {
    if (size < 2) {
      return -1;
    }
    Usage last = samples[(next - 1 + samples.length) % samples.length];
    Usage prev = samples[(next - 2 + samples.length) % samples.length];
    long nanos = Duration.between(prev.time(), last.time()).toNanos();
    long cpu = last.cpuNanos() - prev.cpuNanos();
    if (nanos <= 0 || cpu < 0) {
      return -1;
    }
    return (long) (cpu * 1e9 / nanos);
  }

  /** The time between the last two samples (the window of {@link #nanoCores}), or zero. */
  public synchronized Duration window() {
    if (size < 2) {
      return Duration.ZERO;
    }
    return Duration.between(
        samples[(next - 2 + samples.length) % samples.length].time(),
        samples[(next - 1 + samples.length) % samples.length].time());
  }
}
