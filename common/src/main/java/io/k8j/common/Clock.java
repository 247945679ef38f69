package io.k8j.common;

import java.time.Duration;
import java.time.Instant;

/**
 * Time, injected wherever it matters (timeouts, backoff, leases), so that tests drive it with a
 * {@link FakeClock} instead of sleeping.
 */
public interface Clock {
  /** The wall clock, for timestamps people read. */
  Instant now();

  /** A monotonic reading in nanoseconds, for measuring intervals. */
  long nanoTime();

  /** Blocks the calling thread for {@code d} of this clock's time. */
  void sleep(Duration d) throws InterruptedException;

  /**
   * Blocks the calling thread until {@link #nanoTime()} reaches {@code deadline}, returning at once
   * if it has. A loop that sleeps until a deadline taken before its work, rather than for a period
   * after it, loses no time that passed meanwhile: on a fake clock, not even an advance made
   * between its reading of the time and its sleep.
   */
  default void sleepUntil(long deadline) throws InterruptedException {
    long wait = deadline - nanoTime();
    if (wait > 0) {
      sleep(Duration.ofNanos(wait));
    }
  }

  /** The system clock. */
  Clock SYSTEM =
      new Clock() {
        @Override
        public Instant now() {
          return Instant.now();
        }

        @Override
        public long nanoTime() {
          return System.nanoTime();
        }

        @Override
        public void sleep(Duration d) throws InterruptedException {
          Thread.sleep(d);
        }
      };
}
