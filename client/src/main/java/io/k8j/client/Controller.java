package io.k8j.client;

import io.k8j.client.queue.WorkQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop every controller shares, as upstream's {@code Run} / {@code worker} / {@code
 * processNextWorkItem}: wait for the caches, then N workers take keys from the rate-limited queue
 * and call {@link Reconciler#sync}. A key is synced by one worker at a time; a failed sync is
 * retried through the rate limiter, a successful one forgets the key's failures. Conflicts (a write
 * based on a cache that was behind) are expected and logged at debug level only.
 */
public final class Controller implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Controller.class);
  private static final Duration CACHE_POLL = Duration.ofMillis(50);

  private final String name;
  private final WorkQueue<String> queue;
  private final Reconciler reconciler;
  private final List<Informer<?>> caches;
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean closed;

  public Controller(
      String name, WorkQueue<String> queue, Reconciler reconciler, List<Informer<?>> caches) {
    this.name = name;
    this.queue = queue;
    this.reconciler = reconciler;
    this.caches = List.copyOf(caches);
  }

  public String name() {
    return name;
  }

  public WorkQueue<String> queue() {
    return queue;
  }

  /** Starts {@code workers} workers once every cache has synced; returns at once. */
  public synchronized void start(int workers) {
    threads.add(
        Thread.ofVirtual()
            .name(name + "-start")
            .start(
                () -> {
                  if (!waitForCacheSync()) {
                    return;
                  }
                  synchronized (this) {
                    if (closed) {
                      return;
                    }
                    for (int i = 0; i < workers; i++) {
                      threads.add(Thread.ofVirtual().name(name + "-worker-" + i).start(this::work));
                    }
                  }
                  LOG.debug("{}: caches synced, {} workers", name, workers);
                }));
  }

  private boolean waitForCacheSync() {
    while (!closed) {
      if (caches.stream().allMatch(Informer::hasSynced)) {
        return true;
      }
      try {
        Thread.sleep(CACHE_POLL);
      } catch (InterruptedException e) {
        return false;
      }
    }
    return false;
  }

  private void work() {
    try {
      while (processNextWorkItem()) {
        // next
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Takes one key and syncs it; false once the queue is shut down. */
  public boolean processNextWorkItem() throws InterruptedException {
    String key = queue.get();
    if (key == null) {
      return false;
    }
    try {
      reconciler.sync(key);
      queue.forget(key);
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      if (!closed) {
        if (ApiErrors.isConflict(e)) {
          LOG.debug("{}: syncing {} met a newer version; retrying", name, key);
        } else {
          LOG.warn(
              "{}: syncing {} failed (retry {}): {}",
              name,
              key,
              queue.numRequeues(key) + 1,
              e.toString());
          LOG.debug("{}: syncing {} failed", name, key, e);
        }
        queue.addRateLimited(key);
      }
    } finally {
      queue.done(key);
    }
    return true;
  }

  @Override
  public void close() {
    List<Thread> toJoin;
    synchronized (this) {
      closed = true;
      queue.shutDown();
      toJoin = List.copyOf(threads);
    }
    toJoin.forEach(Thread::interrupt);
    for (Thread t : toJoin) {
      try {
        t.join(Duration.ofSeconds(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
