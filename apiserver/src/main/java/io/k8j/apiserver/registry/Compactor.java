package io.k8j.apiserver.registry;

import io.k8j.common.Clock;
import io.k8j.store.Revision;
import io.k8j.store.Store;
import io.k8j.store.StoreException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compacts the store's history as upstream's API server does: every interval, at the revision that
 * was current one interval earlier, so history lives between one and two intervals (5 minutes by
 * default). Lists and continue tokens older than that get 410 Gone; watches are served from the
 * watch cache and do not depend on the store's history.
 */
public final class Compactor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Compactor.class);

  private final Store store;
  private final Clock clock;
  private final Duration interval;
  private Thread thread;

  public Compactor(Store store, Clock clock, Duration interval) {
    this.store = store;
    this.clock = clock;
    this.interval = interval;
  }

  public synchronized void start() {
    thread = Thread.ofVirtual().name("store-compactor").start(this::run);
  }

  private void run() {
    Revision previous = store.currentRevision();
    while (!Thread.currentThread().isInterrupted()) {
      try {
        clock.sleep(interval);
      } catch (InterruptedException e) {
        return;
      }
      Revision next = store.currentRevision();
      try {
        if (previous.isAfter(store.compactRevision())) {
          store.compact(previous);
          LOG.debug("compacted the store at revision {}", previous);
        }
      } catch (StoreException e) {
        LOG.warn("compaction at revision {} failed: {}", previous, e.getMessage());
      }
      previous = next;
    }
  }

  @Override
  public synchronized void close() {
    if (thread != null) {
      thread.interrupt();
    }
  }
}
