package io.k8j.client.queue;

import io.k8j.common.Clock;
import java.time.Duration;

/** The rate limiters controllers use. */
public final class RateLimiters {
  private RateLimiters() {}

  /**
   * client-go's {@code DefaultControllerRateLimiter}: per item 5 ms doubling to 1000 s, and overall
   * 10 retries a second with bursts of 100.
   */
  public static <T> RateLimiter<T> defaultControllerRateLimiter(Clock clock) {
    return new MaxOfRateLimiter<>(
        new ItemExponentialFailureRateLimiter<>(Duration.ofMillis(5), Duration.ofSeconds(1000)),
        new BucketRateLimiter<>(clock, 10, 100));
  }
}
