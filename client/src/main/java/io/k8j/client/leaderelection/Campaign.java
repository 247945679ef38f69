package io.k8j.client.leaderelection;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * A candidate that keeps competing: on its own thread it runs one {@link LeaderElector} after
 * another (an elector stops for good once it lost or gave up its lease) until closed. The
 * controller manager and the scheduler campaign through this, so both behave the same.
 */
public final class Campaign implements AutoCloseable {
  private final String name;
  private final Supplier<LeaderElector> electors;
  private final LeaderElector.Callbacks callbacks;
  private LeaderElector elector;
  private Thread thread;
  private volatile boolean closed;

  /**
   * @param name the thread's name
   * @param electors a new elector for each round
   * @param callbacks what a leader does; they run on the campaign's thread
   */
  public Campaign(
      String name, Supplier<LeaderElector> electors, LeaderElector.Callbacks callbacks) {
    this.name = name;
    this.electors = electors;
    this.callbacks = callbacks;
  }

  /** Starts competing; returns at once. */
  public synchronized void start() {
    if (thread == null && !closed) {
      thread = Thread.ofPlatform().daemon().name(name).start(this::run);
    }
  }

  private void run() {
    while (!closed) {
      LeaderElector e;
      synchronized (this) {
        if (closed) {
          return;
        }
        e = electors.get();
        elector = e;
      }
      e.run(callbacks);
    }
  }

  /** Gives the current elector up (a leader stops leading) without ending the campaign. */
  public void restart() {
    LeaderElector e;
    synchronized (this) {
      e = elector;
    }
    if (e != null) {
      e.close();
    }
  }

  /** Stops competing; a leader stops leading and releases its lease first. */
  @Override
  public void close() {
    LeaderElector e;
    Thread t;
    synchronized (this) {
      closed = true;
      e = elector;
      t = thread;
    }
    if (e != null) {
      e.close();
    }
    if (t != null) {
      try {
        t.join(Duration.ofSeconds(10));
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
