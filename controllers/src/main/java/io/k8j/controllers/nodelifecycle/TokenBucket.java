package io.k8j.controllers.nodelifecycle;

import io.k8j.common.Clock;

/**
 * A token bucket that starts full, as client-go's {@code flowcontrol.NewTokenBucketRateLimiter}; a
 * rate of zero never accepts (upstream's fake always-reject limiter).
 */
final class TokenBucket {
  private final Clock clock;
  private final double qps;
  private final int burst;
  private double tokens;
  private long last;

  TokenBucket(Clock clock, double qps, int burst) {
    this.clock = clock;
    this.qps = qps;
    this.burst = burst;
    this.tokens = burst;
    this.last = clock.nanoTime();
  }

  double qps() {
    return qps;
  }

  synchronized boolean tryAccept() {
    if (qps <= 0) {
      return false;
    }
    long now = clock.nanoTime();
    tokens = Math.min(burst, tokens + (now - last) / 1e9 * qps);
    last = now;
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }
}
