package io.k8j.common;

import java.time.Duration;
import java.time.Instant;

/**
 * A clock that moves only when a test tells it to. {@link #sleep} returns once another thread has
 * advanced the clock far enough.
 */
public final class FakeClock implements Clock {
  private Instant now;
  private long nanos;
  private final java.util.List<Long> wakeUps = new java.util.ArrayList<>();

  public FakeClock() {
    this(Instant.parse("2026-01-01T00:00:00Z"));
  }

  public FakeClock(Instant start) {
    this.now = start;
  }

  @Override
  public synchronized Instant now() {
    return now;
  }

  @Override
  public synchronized long nanoTime() {
    return nanos;
  }

  /** Moves the clock forward and wakes sleepers whose time has come. */
  public synchronized void advance(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("a clock does not go back: " + d);
    }
    now = now.plus(d);
    nanos += d.toNanos();
    notifyAll();
  }

  @Override
  public synchronized void sleep(Duration d) throws InterruptedException {
    sleepUntil(nanos + d.toNanos());
  }

  /** Reads the time and starts sleeping in one step, so no advance can fall in between. */
  @Override
  public synchronized void sleepUntil(long deadline) throws InterruptedException {
    if (nanos - deadline >= 0) {
      return;
    }
    Long until = deadline;
    wakeUps.add(until);
    try {
      while (nanos - until < 0) {
        wait();
      }
    } finally {
      wakeUps.remove(until);
    }
  }

  /**
   * Whether a thread sleeps on this clock for a time not reached yet: a test that advances the
   * clock step by step waits for this, so that a slow thread sees every step.
   */
  public synchronized boolean hasSleepers() {
    for (long until : wakeUps) {
      if (until > nanos) {
        return true;
      }
    }
    return false;
  }
}
