package io.k8j.client;

import io.k8j.common.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many creations and deletions a controller is still waiting to see in its cache, per
 * controller key: upstream's {@code ControllerExpectations}. A controller records what it asked for
 * before asking, its pod handlers lower the counts as the watch delivers the results, and it acts
 * again only once the counts reach zero (or after {@link #TTL}, in case a watch event was lost). A
 * cache that lags behind therefore never makes it create the same pods twice.
 */
public class ControllerExpectations {
  /** After this long, expectations not met are treated as met. */
  public static final Duration TTL = Duration.ofMinutes(5);

  private static final class Expectation {
    long add;
    long del;
    final long timestamp;

    Expectation(long add, long del, long timestamp) {
      this.add = add;
      this.del = del;
      this.timestamp = timestamp;
    }
  }

  private final Clock clock;
  private final ConcurrentHashMap<String, Expectation> byKey = new ConcurrentHashMap<>();

  public ControllerExpectations(Clock clock) {
    this.clock = clock;
  }

  /**
   * True when the controller may act for {@code key}: nothing expected, everything expected seen,
   * or the expectations expired.
   */
  public boolean satisfied(String key) {
    Expectation e = byKey.get(key);
    if (e == null) {
      return true;
    }
    synchronized (e) {
      if (e.add <= 0 && e.del <= 0) {
        return true;
      }
    }
    return clock.nanoTime() - e.timestamp > TTL.toNanos();
  }

  /** Replaces the expectations of {@code key}. */
  public void set(String key, long add, long del) {
    byKey.put(key, new Expectation(add, del, clock.nanoTime()));
  }

  public void expectCreations(String key, int adds) {
    set(key, adds, 0);
  }

  public void expectDeletions(String key, int dels) {
    set(key, 0, dels);
  }

  /** One expected creation was seen (or will never happen: the create failed). */
  public void creationObserved(String key) {
    lower(key, 1, 0);
  }

  /** One expected deletion was seen (or will never happen: the delete failed). */
  public void deletionObserved(String key) {
    lower(key, 0, 1);
  }

  public void lower(String key, long add, long del) {
    Expectation e = byKey.get(key);
    if (e != null) {
      synchronized (e) {
        e.add -= add;
        e.del -= del;
      }
    }
  }

  /** Forgets {@code key}: the controller object is gone. */
  public void delete(String key) {
    byKey.remove(key);
  }
}
