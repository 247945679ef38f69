package io.k8j.client.queue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Waits {@code base * 2^failures} for an item, capped at {@code max}: client-go's {@code
 * ItemExponentialFailureRateLimiter}.
 */
public final class ItemExponentialFailureRateLimiter<T> implements RateLimiter<T> {
  private final Duration base;
  private final Duration max;
  private final Map<T, Integer> failures = new HashMap<>();

  public ItemExponentialFailureRateLimiter(Duration base, Duration max) {
    this.base = base;
    this.max = max;
  }

  @Override
  public synchronized Duration when(T item) {
    int exp = failures.getOrDefault(item, 0);
    failures.put(item, exp + 1);
    if (exp >= 62) {
      return max;
    }
    double nanos = base.toNanos() * Math.pow(2, exp);
    if (nanos >= max.toNanos()) {
      return max;
    }
    return Duration.ofNanos((long) nanos);
  }

  @Override
  public synchronized void forget(T item) {
    failures.remove(item);
  }

  @Override
  public synchronized int numRequeues(T item) {
    return failures.getOrDefault(item, 0);
  }
}
