package io.k8j.client.queue;

import io.k8j.common.Clock;
import java.time.Duration;

/**
 * An overall token bucket shared by all items ({@code qps} tokens a second, at most {@code burst}
 * saved up): client-go's {@code BucketRateLimiter} on Go's {@code rate.Limiter}. Each call reserves
 * a token, going into debt when the bucket is empty, and returns how long until that token exists.
 */
public final class BucketRateLimiter<T> implements RateLimiter<T> {
  private final Clock clock;
  private final double qps;
  private final int burst;
  private double tokens;
  private long last;

  public BucketRateLimiter(Clock clock, double qps, int burst) {
    this.clock = clock;
    this.qps = qps;
    this.burst = burst;
    this.tokens = burst;
    this.last = clock.nanoTime();
  }

  @Override
  public synchronized Duration when(T item) {
    long now = clock.nanoTime();
    tokens = Math.min(burst, tokens + (now - last) / 1e9 * qps);
    last = now;
    tokens -= 1;
    if (tokens >= 0) {
      return Duration.ZERO;
    }
    return Duration.ofNanos((long) Math.ceil(-tokens / qps * 1e9));
  }

  @Override
  public void forget(T item) {}

  @Override
  public int numRequeues(T item) {
    return 0;
  }
}
