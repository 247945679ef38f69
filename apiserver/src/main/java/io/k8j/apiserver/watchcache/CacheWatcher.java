package io.k8j.apiserver.watchcache;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One client watch on a {@link WatchCache}: a bounded queue the cache fills (never blocking) and
 * the client's request thread drains. A watcher that falls too far behind is terminated, as
 * upstream terminates slow watchers; its client re-watches from its last resourceVersion.
 */
public final class CacheWatcher implements AutoCloseable {
  /** An event as this watcher sees it, after its selectors: types may differ from the cache's. */
  public record Item(String type, ObjectNode object, long revision) {}

  private static final Item END = new Item("END", null, 0);

  private final WatchFilter filter;
  private final boolean bookmarks;
  private final Queue<Item> initial = new ArrayDeque<>();
  private final BlockingQueue<Item> queue;
  private final Runnable onClose;
  private volatile boolean closed;
  private volatile boolean overflowed;

  CacheWatcher(WatchFilter filter, boolean bookmarks, int capacity, Runnable onClose) {
    this.filter = filter;
    this.bookmarks = bookmarks;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.onClose = onClose;
  }

  /** What this watcher watches, for logs: its key prefix and the node it selects, if any. */
  public String describe() {
    return filter.keyPrefix() + (filter.nodeName() == null ? "" : " on node " + filter.nodeName());
  }

  /**
   * A watch that could not start (its resourceVersion is too old): it delivers one {@code ERROR}
   * event holding {@code status}, then ends, as upstream's cacher answers such a watch with 200 and
   * an error event rather than an HTTP error, which clients (reflectors, fabric8's informers over
   * WebSocket) take as the sign to list again.
   */
  public static CacheWatcher failed(String keyPrefix, ObjectNode status) {
    CacheWatcher w = new CacheWatcher(new WatchFilter(keyPrefix, o -> false), false, 1, () -> {});
    w.addInitial(new Item("ERROR", status, 0));
    w.terminate();
    return w;
  }

  boolean wantsBookmarks() {
    return bookmarks;
  }

  void addInitial(Item item) {
    initial.add(item);
  }

  /** Applies this watcher's selection to a cache event and queues the result; never blocks. */
  void offer(CachedEvent e) {
    if (closed || !filter.covers(e.key())) {
      return;
    }
    boolean now = e.type() != CachedEvent.Type.DELETED && filter.predicate().test(e.object());
    boolean before = e.previous() != null && filter.predicate().test(e.previous());
    String type;
    switch (e.type()) {
      case ADDED -> type = now ? "ADDED" : null;
      case DELETED -> type = before || filter.predicate().test(e.object()) ? "DELETED" : null;
      default -> type = now && before ? "MODIFIED" : now ? "ADDED" : before ? "DELETED" : null;
    }
    if (type != null) {
      push(new Item(type, e.object(), e.revision()));
    }
  }

  void bookmark(ObjectNode object, long revision) {
    if (!closed && queue.isEmpty()) {
      push(new Item("BOOKMARK", object, revision));
    }
  }

  private void push(Item item) {
    if (!queue.offer(item)) {
      overflowed = true;
      terminate();
    }
  }

  /** Ends the watch from the cache's side (overflow, cache restart, server stop). */
  void terminate() {
    closed = true;
    queue.clear();
    queue.offer(END);
  }

  /**
   * The next event, or null when none came within the timeout.
   *
   * @throws WatchEndedException when the watch was terminated
   */
  public Item next(long timeout, TimeUnit unit) throws InterruptedException {
    Item i = initial.poll();
    if (i != null) {
      return i;
    }
    Item item = queue.poll(timeout, unit);
    if (item == END) {
      throw new WatchEndedException(overflowed);
    }
    return item;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
    }
    onClose.run();
  }

  /** The cache ended this watch; the client should watch again. */
  public static final class WatchEndedException extends RuntimeException {
    private final boolean overflowed;

    WatchEndedException(boolean overflowed) {
      super(overflowed ? "watcher fell behind" : "watch cache restarted", null, false, false);
      this.overflowed = overflowed;
    }

    public boolean overflowed() {
      return overflowed;
    }
  }
}
