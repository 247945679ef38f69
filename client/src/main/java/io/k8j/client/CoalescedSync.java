package io.k8j.client;

import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One task that makes the world match a whole cache, run on one thread: requests that come while a
 * run is pending fold into it, a failed run is tried again after {@code retry}, and a run also
 * happens every {@code resync}. For components that recompute everything from a small cache (the
 * routes to the nodes' pod ranges, the kube-dns endpoints) rather than per object.
 */
public final class CoalescedSync implements AutoCloseable {
  /** The work; an exception means "try again later". */
  @FunctionalInterface
  public interface Task {
    void run() throws Exception;
  }

  private final Task task;
  private final Duration retry;
  private final ScheduledExecutorService thread;
  private final AtomicBoolean pending = new AtomicBoolean();
  private final org.slf4j.Logger log;

  public CoalescedSync(String name, Task task, Duration retry, org.slf4j.Logger log) {
    this.task = task;
    this.retry = retry;
    this.log = log;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name(name).unstarted(r));
  }

  /** Runs the task now and then every {@code resync}. */
  public void start(Duration resync) {
    thread.scheduleWithFixedDelay(this::request, 0, resync.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Asks for a run; folds into one already pending. */
  public void request() {
    if (pending.compareAndSet(false, true)) {
      thread.execute(this::runOnce);
    }
  }

  /** Asks for a run after {@code delay}. */
  public void requestAfter(Duration delay) {
    thread.schedule(this::request, delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void runOnce() {
    pending.set(false);
    try {
      task.run();
    } catch (Exception e) {
      log.warn(
          "{}: failed, retrying in {} s: {}",
          Thread.currentThread().getName(),
          retry.toSeconds(),
          e.getMessage());
      requestAfter(retry);
    }
  }

  /** An informer handler that asks for a run on every add, update and delete. */
  public <T> ResourceEventHandler<T> onAnyChange() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        request();
      }

      @Override
      public void onUpdate(T old, T cur) {
        request();
      }

      @Override
      public void onDelete(T obj, boolean unknown) {
        request();
      }
    };
  }

  /** Stops; a run in progress finishes first (up to 5 s). */
  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
