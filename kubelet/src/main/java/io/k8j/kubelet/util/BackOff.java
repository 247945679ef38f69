package io.k8j.kubelet.util;

import io.k8j.common.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Per-key exponential back-off with upstream's semantics ({@code flowcontrol.Backoff}): the first
 * {@link #next} sets the initial delay, each further one doubles it up to the cap, and an entry not
 * updated for twice the cap starts over. Thread-safe.
 */
public final class BackOff {
  private record Entry(Duration backoff, Instant lastUpdate) {}

  private final Clock clock;
  private final Duration initial;
  private final Duration max;
  private final Map<String, Entry> entries = new HashMap<>();

  public BackOff(Clock clock, Duration initial, Duration max) {
    this.clock = clock;
    this.initial = initial;
    this.max = max;
  }

  /** The current delay of {@code id}, zero when it has none. */
  public synchronized Duration get(String id) {
    Entry e = entries.get(id);
    return e == null ? Duration.ZERO : e.backoff;
  }

  /** Records a failure of {@code id} at {@code eventTime}: start or double its delay. */
  public synchronized void next(String id, Instant eventTime) {
    Entry e = entries.get(id);
    Duration d;
    if (e == null || expired(eventTime, e.lastUpdate)) {
      d = initial;
    } else {
      d = e.backoff.multipliedBy(2);
      if (d.compareTo(max) > 0) {
        d = max;
      }
    }
    entries.put(id, new Entry(d, clock.now()));
  }

  /** True while less than the delay has passed since {@code eventTime} (e.g. when it exited). */
  public synchronized boolean isInBackOffSince(String id, Instant eventTime) {
    Entry e = entries.get(id);
    if (e == null || expired(eventTime, e.lastUpdate)) {
      return false;
    }
    return Duration.between(eventTime, clock.now()).compareTo(e.backoff) < 0;
  }

  /** True while less than the delay has passed since the last {@link #next}. */
  public synchronized boolean isInBackOffSinceUpdate(String id) {
    Entry e = entries.get(id);
    if (e == null) {
      return false;
    }
    Instant now = clock.now();
    if (expired(now, e.lastUpdate)) {
      return false;
    }
    return Duration.between(e.lastUpdate, now).compareTo(e.backoff) < 0;
  }

  /** When the back-off that started at {@code eventTime} ends. */
  public synchronized Instant endSince(String id, Instant eventTime) {
    return eventTime.plus(get(id));
  }

  /** When the back-off since the last update ends; now when there is none. */
  public synchronized Instant endSinceUpdate(String id) {
    Entry e = entries.get(id);
    return e == null ? clock.now() : e.lastUpdate.plus(e.backoff);
  }

  public synchronized void reset(String id) {
    entries.remove(id);
  }

  /** Forgets entries that have expired. */
  public synchronized void gc() {
    Instant now = clock.now();
    entries.values().removeIf(e -> expired(now, e.lastUpdate));
  }

  private boolean expired(Instant eventTime, Instant lastUpdate) {
    return Duration.between(lastUpdate, eventTime).compareTo(max.multipliedBy(2)) > 0;
  }
}
