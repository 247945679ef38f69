package io.k8j.store.embedded;

import io.k8j.store.KeyRange;
import io.k8j.store.StoreException;
import io.k8j.store.Watch;
import io.k8j.store.WatchEvent;
import io.k8j.store.WatchListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One watch: a bounded buffer filled by the write path while synced, and a virtual thread that
 * delivers it to the listener, or replays history while unsynced. Only that thread calls the
 * listener, so calls never overlap.
 */
final class Watcher implements Watch {
  private final WatchHub hub;
  private final KeyRange range;
  private final WatchListener listener;
  private final long startRevision;
  private final int capacity;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final List<WatchEvent> buffer = new ArrayList<>();
  private long resumeFrom;
  private StoreException ending;
  private boolean closed;
  private Thread thread;

  Watcher(WatchHub hub, KeyRange range, WatchListener listener, long start, int capacity) {
    this.hub = hub;
    this.range = range;
    this.listener = listener;
    this.startRevision = start;
    this.capacity = capacity;
  }

  void start() {
    thread = Thread.ofVirtual().name("embedded-store-watch").start(this::run);
  }

  /**
   * Buffers this watch's share of a committed batch. Called under the hub's lock.
   *
   * @return 0 if buffered, else the revision to catch up from once the buffer is drained
   */
  long offer(List<WatchEvent> events) {
    List<WatchEvent> mine = new ArrayList<>();
    for (WatchEvent e : events) {
      if (e.revision().value() >= startRevision && range.contains(e.kv().key())) {
        mine.add(e);
      }
    }
    if (mine.isEmpty()) {
      return 0;
    }
    lock.lock();
    try {
      if (buffer.size() + mine.size() > capacity) {
        return mine.getFirst().revision().value();
      }
      buffer.addAll(mine);
      changed.signal();
      return 0;
    } finally {
      lock.unlock();
    }
  }

  /** Leaves the synced set: after the buffer, history from {@code from} on. */
  void fallBehind(long from) {
    lock.lock();
    try {
      resumeFrom = from;
      changed.signal();
    } finally {
      lock.unlock();
    }
  }

  /** Joined the synced set; called under the hub's lock. */
  void synced() {
    lock.lock();
    try {
      resumeFrom = 0;
    } finally {
      lock.unlock();
    }
  }

  /** Ends the watch with {@code error}, delivered by the watch's thread. */
  void end(StoreException error) {
    lock.lock();
    try {
      if (ending == null) {
        ending = error;
      }
      changed.signal();
    } finally {
      lock.unlock();
    }
  }

  private void run() {
    try {
      while (true) {
        List<WatchEvent> next = List.of();
        long resume = 0;
        StoreException error;
        lock.lock();
        try {
          while (!closed && ending == null && buffer.isEmpty() && resumeFrom == 0) {
            changed.awaitUninterruptibly();
          }
          if (closed) {
            return;
          }
          error = ending;
          if (error == null && !buffer.isEmpty()) {
            next = List.copyOf(buffer);
            buffer.clear();
          } else {
            resume = resumeFrom;
          }
        } finally {
          lock.unlock();
        }
        if (error != null) {
          fail(error);
          return;
        }
        if (!next.isEmpty()) {
          deliver(next);
        } else {
          catchUp(resume);
        }
      }
    } catch (StoreException e) {
      fail(e);
    }
  }

  /** Replays history from {@code from} until nothing newer has been published, then joins. */
  private void catchUp(long from) {
    while (isRunning()) {
      long upTo = hub.published();
      while (from <= upTo && isRunning()) {
        Database.HistoryChunk chunk = hub.history(from, upTo, range);
        if (!chunk.events().isEmpty()) {
          deliver(chunk.events());
        }
        from = chunk.next();
      }
      if (hub.tryJoin(this, from)) {
        return;
      }
    }
  }

  private boolean isRunning() {
    lock.lock();
    try {
      return !closed && ending == null;
    } finally {
      lock.unlock();
    }
  }

  private void deliver(List<WatchEvent> events) {
    try {
      listener.onEvents(events);
    } catch (RuntimeException e) {
      throw new StoreException("watch listener failed: " + e, e);
    }
  }

  private void fail(StoreException error) {
    hub.remove(this);
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
    } finally {
      lock.unlock();
    }
    listener.onError(error);
  }

  void awaitEnd(Duration timeout) {
    Thread t = thread;
    if (t == null) {
      return;
    }
    try {
      t.join(timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      changed.signal();
    } finally {
      lock.unlock();
    }
    hub.remove(this);
  }
}
