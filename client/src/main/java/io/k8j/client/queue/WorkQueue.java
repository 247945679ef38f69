package io.k8j.client.queue;

import io.k8j.common.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A rate-limited work queue with client-go's guarantees:
 *
 * <ul>
 *   <li>an item added while it waits is queued once (dirty set);
 *   <li>an item is handed to one worker at a time: added while in flight, it is queued again only
 *       when that worker calls {@link #done};
 *   <li>{@link #addAfter} and {@link #addRateLimited} hold the item back on the injected clock;
 *       among several delayed adds of one item the earliest wins.
 * </ul>
 *
 * <p>Every {@link #get} must be followed by {@link #done} for the same item.
 */
public final class WorkQueue<T> {
  /** How long a waiting worker sleeps, in real time, before re-reading a clock that isn't real. */
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  private record Delayed<T>(long readyAt, long seq, T item) {}

  private final Clock clock;
  private final RateLimiter<T> limiter;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<T> queue = new ArrayDeque<>();
  private final Set<T> dirty = new HashSet<>();
  private final Set<T> processing = new HashSet<>();
  private final PriorityQueue<Delayed<T>> waiting =
      new PriorityQueue<>(
          (a, b) ->
              a.readyAt != b.readyAt
                  ? Long.compare(a.readyAt, b.readyAt)
                  : Long.compare(a.seq, b.seq));
  private final Map<T, Long> waitingUntil = new HashMap<>();
  private long seq;
  private boolean shuttingDown;

  public WorkQueue(Clock clock, RateLimiter<T> limiter) {
    this.clock = clock;
    this.limiter = limiter;
  }

  /** A queue with the default controller rate limiter. */
  public static <T> WorkQueue<T> forController(Clock clock) {
    return new WorkQueue<>(clock, RateLimiters.defaultControllerRateLimiter(clock));
  }

  /** Queues the item now, unless it is already waiting. */
  public void add(T item) {
    lock.lock();
    try {
      addLocked(item);
    } finally {
      lock.unlock();
    }
  }

  private void addLocked(T item) {
    if (shuttingDown || dirty.contains(item)) {
      return;
    }
    dirty.add(item);
    if (processing.contains(item)) {
      return;
    }
    queue.addLast(item);
    changed.signal();
  }

  /** Queues the item once {@code delay} has passed on the clock. */
  public void addAfter(T item, Duration delay) {
    if (delay.isZero() || delay.isNegative()) {
      add(item);
      return;
    }
    lock.lock();
    try {
      if (shuttingDown) {
        return;
      }
      long readyAt = clock.nanoTime() + delay.toNanos();
      Long existing = waitingUntil.get(item);
      if (existing != null && existing <= readyAt) {
        return;
      }
      if (existing != null) {
        waiting.removeIf(d -> d.item.equals(item));
      }
      waitingUntil.put(item, readyAt);
      waiting.add(new Delayed<>(readyAt, seq++, item));
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Queues the item after the rate limiter's delay: the way a failed sync is retried. */
  public void addRateLimited(T item) {
    addAfter(item, limiter.when(item));
  }

  /** Forgets the item's failures (its sync succeeded); it does not take it off the queue. */
  public void forget(T item) {
    limiter.forget(item);
  }

  public int numRequeues(T item) {
    return limiter.numRequeues(item);
  }

  /**
   * Takes the next item, blocking until there is one; null once the queue is shut down. The caller
   * owns the item until it calls {@link #done}.
   */
  public T get() throws InterruptedException {
    lock.lock();
    try {
      while (true) {
        moveReadyLocked();
        if (!queue.isEmpty()) {
          T item = queue.removeFirst();
          processing.add(item);
          dirty.remove(item);
          return item;
        }
        if (shuttingDown) {
          return null;
        }
        if (waiting.isEmpty()) {
          changed.await();
        } else {
          long remaining = waiting.peek().readyAt - clock.nanoTime();
          changed.awaitNanos(clock == Clock.SYSTEM ? remaining : Math.min(remaining, POLL_NANOS));
        }
      }
    } finally {
      lock.unlock();
    }
  }

  private void moveReadyLocked() {
    long now = clock.nanoTime();
    while (!waiting.isEmpty() && waiting.peek().readyAt <= now) {
      Delayed<T> d = waiting.poll();
      waitingUntil.remove(d.item);
      addLocked(d.item);
    }
  }

  /** Marks the item as no longer in flight; if it was added meanwhile, it is queued again. */
  public void done(T item) {
    lock.lock();
    try {
      processing.remove(item);
      if (dirty.contains(item)) {
        queue.addLast(item);
        changed.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Items queued now (not counting delayed ones or those in flight). */
  public int length() {
    lock.lock();
    try {
      moveReadyLocked();
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /** Stops handing out items; blocked {@link #get} calls return null. */
  public void shutDown() {
    lock.lock();
    try {
      shuttingDown = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  public boolean isShuttingDown() {
    lock.lock();
    try {
      return shuttingDown;
    } finally {
      lock.unlock();
    }
  }
}
