package io.k8j.controllers.nodelifecycle;

import io.k8j.common.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Nodes waiting for a NoExecute taint in one zone, as upstream's {@code RateLimitedTimedQueue}:
 * {@link #tryProcess} hands out the earliest node whose time has come, as long as the zone's token
 * bucket gives a token for it. The bucket's rate is what zone health decides (healthy: the eviction
 * rate; partly unhealthy large zone: the secondary rate; otherwise none).
 */
final class RateLimitedTimedQueue {
  /** A queued node. */
  static final class TimedValue {
    final String value;
    final String uid;
    final Instant addedAt;
    Instant processAt;

    TimedValue(String value, String uid, Instant addedAt) {
      this.value = value;
      this.uid = uid;
      this.addedAt = addedAt;
      this.processAt = addedAt;
    }
  }

  /** What to do with a node: done (true), or try again after a wait (false). */
  record Outcome(boolean done, Duration retryAfter) {}

  static final int BURST = 1;

  private final Clock clock;
  private final Map<String, TimedValue> queue = new LinkedHashMap<>();
  private TokenBucket limiter;

  RateLimitedTimedQueue(Clock clock, double qps) {
    this.clock = clock;
    this.limiter = new TokenBucket(clock, qps, BURST);
  }

  /** Queues a node; false if it is queued already. */
  synchronized boolean add(String value, String uid) {
    if (queue.containsKey(value)) {
      return false;
    }
    queue.put(value, new TimedValue(value, uid, clock.now()));
    return true;
  }

  synchronized boolean remove(String value) {
    return queue.remove(value) != null;
  }

  synchronized void swapLimiter(double qps) {
    if (limiter.qps() != qps) {
      limiter = new TokenBucket(clock, qps, BURST);
    }
  }

  synchronized double qps() {
    return limiter.qps();
  }

  /** Processes nodes in order of processAt while tokens last. */
  synchronized void tryProcess(Function<TimedValue, Outcome> fn) {
    while (true) {
      TimedValue head = head();
      if (head == null || !limiter.tryAccept()) {
        return;
      }
      Instant now = clock.now();
      if (now.isBefore(head.processAt)) {
        return;
      }
      Outcome o = fn.apply(head);
      if (o.done()) {
        queue.remove(head.value);
      } else {
        head.processAt = now.plus(o.retryAfter()).plusNanos(1);
      }
    }
  }

  private TimedValue head() {
    List<TimedValue> values = new ArrayList<>(queue.values());
    return values.stream().min(Comparator.comparing((TimedValue v) -> v.processAt)).orElse(null);
  }
}
