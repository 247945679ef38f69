package io.k8j.proxy.userspace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One platform thread with a selector, moving bytes for the {@link Splice}s registered with it.
 * Everything a splice does runs on its loop's thread; other threads hand work over with {@link
 * #execute}.
 */
final class EventLoop implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventLoop.class);
  private static final long TICK_MILLIS = 250;
  static final int BUFFER = 16 * 1024;
  private static final int MAX_POOLED = 1024;

  /** What a selection key is attached to. */
  interface Handler {
    /** The key is ready for its interest ops. */
    void ready(SelectionKey key);

    /** Called every tick (about 250 ms) with the current time, for timeouts. */
    default void tick(long nanos) {}

    /** The loop is closing. */
    void close();
  }

  private final Selector selector;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final Set<Handler> handlers = ConcurrentHashMap.newKeySet();
  private final ArrayDeque<ByteBuffer> buffers = new ArrayDeque<>();
  private final Thread thread;
  private volatile boolean closed;

  EventLoop(String name) {
    try {
      selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    thread = Thread.ofPlatform().daemon().name(name).start(this::run);
  }

  Selector selector() {
    return selector;
  }

  /** Runs {@code task} on this loop's thread. */
  void execute(Runnable task) {
    tasks.add(task);
    selector.wakeup();
  }

  /** A cleared direct buffer of {@code BUFFER} bytes, from this loop's pool; on its thread only. */
  ByteBuffer buffer() {
    ByteBuffer b = buffers.poll();
    return b != null ? b : ByteBuffer.allocateDirect(BUFFER);
  }

  /** Gives a buffer back to the pool; on this loop's thread only. */
  void release(ByteBuffer b) {
    if (buffers.size() < MAX_POOLED) {
      buffers.push(b.clear());
    }
  }

  void add(Handler h) {
    handlers.add(h);
  }

  void remove(Handler h) {
    handlers.remove(h);
  }

  private void run() {
    long nextTick = System.nanoTime();
    while (!closed) {
      try {
        // the ready keys straight to their handlers: no selected-key set, no iterator per round
        selector.select(EventLoop::dispatch, TICK_MILLIS);
        Runnable task;
        while ((task = tasks.poll()) != null) {
          task.run();
        }
        long now = System.nanoTime();
        if (now - nextTick >= 0) {
          nextTick = now + TICK_MILLIS * 1_000_000;
          for (Handler h : handlers) {
            h.tick(now);
          }
        }
      } catch (IOException | RuntimeException e) {
        LOG.warn("proxy event loop: {}", e.toString());
      }
    }
    handlers.forEach(Handler::close);
    try {
      selector.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  private static void dispatch(SelectionKey key) {
    if (key.isValid()) {
      ((Handler) key.attachment()).ready(key);
    }
  }

  @Override
  public void close() {
    closed = true;
    selector.wakeup();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
