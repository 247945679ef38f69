package io.k8j.apiserver.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CPU rates and memory of each series (a container or a node) from successive scrapes of cumulative
 * CPU time, as metrics-server computes them: the rate between the last two distinct samples, over
 * the window between their timestamps.
 */
final class UsageRates {
  /** A usage over a window ending at {@code time}. */
  record Rate(long nanoCores, long memoryBytes, Instant time, Duration window) {}

  private record Point(double cpuSeconds, long timestampMillis) {}

  private final Map<String, Point> last = new ConcurrentHashMap<>();
  private final Map<String, Rate> rates = new ConcurrentHashMap<>();

  /** Records a sample of {@code key}: cumulative CPU seconds and memory, at a time in ms. */
  void record(String key, double cpuSeconds, long memoryBytes, long timestampMillis) {
    Point prev = last.get(key);
    if (prev != null && timestampMillis <= prev.timestampMillis()) {
      return;
    }
    last.put(key, new Point(cpuSeconds, timestampMillis));
    if (prev == null || cpuSeconds < prev.cpuSeconds()) {
      return;
    }
    long window = timestampMillis - prev.timestampMillis();
    long nanoCores = Math.round((cpuSeconds - prev.cpuSeconds()) * 1e12 / window);
    rates.put(
        key,
        new Rate(
            nanoCores,
            memoryBytes,
            Instant.ofEpochMilli(timestampMillis),
            Duration.ofMillis(window)));
  }

  Rate get(String key) {
    return rates.get(key);
  }

  /** Forgets the series under {@code prefix} that are not in {@code keep}. */
  void retain(String prefix, Set<String> keep) {
    last.keySet().removeIf(k -> k.startsWith(prefix) && !keep.contains(k));
    rates.keySet().removeIf(k -> k.startsWith(prefix) && !keep.contains(k));
  }
}
