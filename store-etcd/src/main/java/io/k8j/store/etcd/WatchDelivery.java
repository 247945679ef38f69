package io.k8j.store.etcd;

import io.k8j.store.StoreException;
import io.k8j.store.WatchEvent;
import io.k8j.store.WatchListener;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands one watch's batches to its listener on a thread of its own, one call at a time and in the
 * order they were queued, so that jetcd's threads never wait for a slow listener. The queue holds
 * at most {@link #CAPACITY} events; past that {@link #offer} refuses, and the watch ends.
 */
final class WatchDelivery {
  private static final Logger LOG = LoggerFactory.getLogger(WatchDelivery.class);

  /** Events queued for a listener that does not keep up, before its watch is ended. */
  static final long CAPACITY = 100_000;

  private sealed interface Item {}

  private record Batch(List<WatchEvent> events) implements Item {}

  private record End(StoreException error) implements Item {}

  private record Stop() implements Item {}

  private final WatchListener listener;
  private final BlockingQueue<Item> queue = new LinkedBlockingQueue<>();
  private final AtomicLong queuedEvents = new AtomicLong();
  private volatile boolean stopped;

  WatchDelivery(String name, WatchListener listener) {
    this.listener = listener;
    Thread.ofVirtual().name(name).start(this::deliver);
  }

  /** Queues a batch; false if the listener is too far behind to take it. */
  boolean offer(List<WatchEvent> events) {
    if (queuedEvents.addAndGet(events.size()) > CAPACITY) {
      return false;
    }
    queue.add(new Batch(List.copyOf(events)));
    return true;
  }

  /** Delivers what is queued, then {@code error}, then nothing more. */
  void end(StoreException error) {
    queue.add(new End(error));
  }

  /** Delivers nothing more, not even what is queued. */
  void stop() {
    stopped = true;
    queue.add(new Stop());
  }

  private void deliver() {
    try {
      while (true) {
        Item item = queue.take();
        if (stopped) {
          return;
        }
        switch (item) {
          case Batch batch -> {
            queuedEvents.addAndGet(-batch.events().size());
            callListener(() -> listener.onEvents(batch.events()));
          }
          case End end -> {
            callListener(() -> listener.onError(end.error()));
            return;
          }
          case Stop stop -> {
            return;
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void callListener(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.warn("a watch listener failed; the watch goes on", e);
    }
  }
}
