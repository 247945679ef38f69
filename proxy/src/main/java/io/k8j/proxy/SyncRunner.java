package io.k8j.proxy;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs a function on its own thread, as upstream's {@code BoundedFrequencyRunner}: soon after each
 * {@link #request} but never twice within the min interval, at least once per max interval, and at
 * a time set by {@link #retryAfter} when a run failed. Requests made during a run cause one more
 * run; requests never queue up.
 */
final class SyncRunner implements AutoCloseable {
  private final String name;
  private final long minNanos;
  private final long maxNanos;
  private final Runnable fn;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private Thread thread;
  private boolean requested = true;
  private long retryAt = Long.MAX_VALUE;
  private long lastRun;
  private boolean closed;

  SyncRunner(String name, Duration minInterval, Duration maxInterval, Runnable fn) {
    this.name = name;
    this.minNanos = minInterval.toNanos();
    this.maxNanos = maxInterval.toNanos();
    this.fn = fn;
  }

  void start() {
    lastRun = System.nanoTime() - minNanos;
    thread = Thread.ofPlatform().daemon().name(name).start(this::loop);
  }

  /** Asks for a run as soon as the min interval allows. */
  void request() {
    lock.lock();
    try {
      requested = true;
      wake.signal();
    } finally {
      lock.unlock();
    }
  }

  /** Asks for a run after {@code delay} (used after a failed run), unless one comes sooner. */
  void retryAfter(Duration delay) {
    lock.lock();
    try {
      retryAt = Math.min(retryAt, System.nanoTime() + delay.toNanos());
      wake.signal();
    } finally {
      lock.unlock();
    }
  }

  private void loop() {
    while (true) {
      lock.lock();
      try {
        while (true) {
          if (closed) {
            return;
          }
          long now = System.nanoTime();
          long due = requested ? lastRun + minNanos : lastRun + maxNanos;
          due = Math.min(due, Math.max(retryAt, lastRun + minNanos));
          if (now - due >= 0) {
            break;
          }
          wake.awaitNanos(due - now);
        }
        requested = false;
        retryAt = Long.MAX_VALUE;
      } catch (InterruptedException e) {
        return;
      } finally {
        lock.unlock();
      }
      // only this thread reads it: taken after the unlock (which may wake a waiting requester
      // first), so that the min interval runs from the moment the run really starts
      lastRun = System.nanoTime();
      fn.run();
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      wake.signal();
    } finally {
      lock.unlock();
    }
    if (thread != null) {
      try {
        thread.join(Duration.ofSeconds(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
