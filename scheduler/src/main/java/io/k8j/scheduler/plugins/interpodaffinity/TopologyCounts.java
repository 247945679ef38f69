package io.k8j.scheduler.plugins.interpodaffinity;

import java.util.HashMap;
import java.util.Map;

/**
 * Counts per topology pair (key, value), as upstream's {@code topologyToMatchedTermCount}; nested
 * by key so that lookups for a node allocate nothing. Pairs whose count drops to 0 are removed.
 */
final class TopologyCounts {
  private final Map<String, Map<String, Long>> counts;

  TopologyCounts() {
    this.counts = new HashMap<>();
  }

  private TopologyCounts(Map<String, Map<String, Long>> counts) {
    this.counts = counts;
  }

  TopologyCounts copy() {
    Map<String, Map<String, Long>> m = new HashMap<>(counts.size() * 2);
    counts.forEach((k, v) -> m.put(k, new HashMap<>(v)));
    return new TopologyCounts(m);
  }

  void add(String key, String value, long delta) {
    Map<String, Long> byValue = counts.computeIfAbsent(key, k -> new HashMap<>());
    long n = byValue.getOrDefault(value, 0L) + delta;
    if (n == 0) {
      byValue.remove(value);
      if (byValue.isEmpty()) {
        counts.remove(key);
      }
    } else {
      byValue.put(value, n);
    }
  }

  /** Adds {@code delta} for the pair of the node's label {@code key}, if the node has it. */
  void addForNode(Map<String, String> nodeLabels, String key, long delta) {
    String v = nodeLabels.get(key);
    if (v != null) {
      add(key, v, delta);
    }
  }

  long get(String key, String value) {
    Map<String, Long> byValue = counts.get(key);
    if (byValue == null) {
      return 0;
    }
    return byValue.getOrDefault(value, 0L);
  }

  boolean isEmpty() {
    return counts.isEmpty();
  }

  /** Whether any pair matching one of the node's labels has a positive count. */
  boolean anyPositiveFor(Map<String, String> nodeLabels) {
    for (Map.Entry<String, Map<String, Long>> e : counts.entrySet()) {
      String v = nodeLabels.get(e.getKey());
      if (v != null && e.getValue().getOrDefault(v, 0L) > 0) {
        return true;
      }
    }
    return false;
  }

  /** The sum over topology keys of the node's values' counts (scoring). */
  long sumFor(Map<String, String> nodeLabels) {
    long s = 0;
    for (Map.Entry<String, Map<String, Long>> e : counts.entrySet()) {
      String v = nodeLabels.get(e.getKey());
      if (v != null) {
        s += e.getValue().getOrDefault(v, 0L);
      }
    }
    return s;
  }
}
