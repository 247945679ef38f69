package io.k8j.client.queue;

import java.time.Duration;
import java.util.List;

/** The longest wait any of its limiters asks for: client-go's {@code MaxOfRateLimiter}. */
public final class MaxOfRateLimiter<T> implements RateLimiter<T> {
  private final List<RateLimiter<T>> limiters;

  @SafeVarargs
  public MaxOfRateLimiter(RateLimiter<T>... limiters) {
    this.limiters = List.of(limiters);
  }

  @Override
  public Duration when(T item) {
    Duration longest = Duration.ZERO;
    for (RateLimiter<T> l : limiters) {
      Duration d = l.when(item);
      if (d.compareTo(longest) > 0) {
        longest = d;
      }
    }
    return longest;
  }

  @Override
  public void forget(T item) {
    limiters.forEach(l -> l.forget(item));
  }

  @Override
  public int numRequeues(T item) {
    int most = 0;
    for (RateLimiter<T> l : limiters) {
      most = Math.max(most, l.numRequeues(item));
    }
    return most;
  }
}
