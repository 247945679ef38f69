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
