package io.k8j.scheduler.framework;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The data plugins share during one scheduling cycle of one pod. Written at pre-filter and
 * pre-score (by one thread), read at filter and score (by many threads, after the writes). {@link
 * #copy()} deep-copies every entry, for preemption's dry runs.
 */
public final class CycleState {
  private final Map<String, StateData> data;
  private final Set<String> skipFilterPlugins;
  private final Set<String> skipScorePlugins;

  public CycleState() {
    this(new HashMap<>(), new HashSet<>(), new HashSet<>());
  }

  private CycleState(Map<String, StateData> data, Set<String> skipFilter, Set<String> skipScore) {
    this.data = data;
    this.skipFilterPlugins = skipFilter;
    this.skipScorePlugins = skipScore;
  }

  public <T extends StateData> void write(StateKey<T> key, T value) {
    data.put(key.name(), value);
  }

  /**
   * The value under {@code key}.
   *
   * @throws IllegalStateException when nothing was written, i.e. the plugin's earlier extension
   *     point did not run; the framework turns it into an error status
   */
  public <T extends StateData> T read(StateKey<T> key) {
    StateData d = data.get(key.name());
    if (d == null) {
      throw new IllegalStateException(
          "reading \"" + key.name() + "\" from the cycle state: not found");
    }
    return key.type().cast(d);
  }

  /** The value under {@code key}, or null. */
  public <T extends StateData> T find(StateKey<T> key) {
    StateData d = data.get(key.name());
    return d == null ? null : key.type().cast(d);
  }

  public void delete(StateKey<?> key) {
    data.remove(key.name());
  }

  /** Plugins whose pre-filter returned Skip: their filter is not run this cycle. */
  public Set<String> skipFilterPlugins() {
    return skipFilterPlugins;
  }

  /** Plugins whose pre-score returned Skip: their score is not run this cycle. */
  public Set<String> skipScorePlugins() {
    return skipScorePlugins;
  }

  public CycleState copy() {
    Map<String, StateData> m = new HashMap<>(data.size() * 2);
    data.forEach((k, v) -> m.put(k, v.copy()));
    return new CycleState(m, new HashSet<>(skipFilterPlugins), new HashSet<>(skipScorePlugins));
  }
}
