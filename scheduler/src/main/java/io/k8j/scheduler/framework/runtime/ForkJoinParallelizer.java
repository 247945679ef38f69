package io.k8j.scheduler.framework.runtime;

import io.k8j.scheduler.framework.Parallelizer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Upstream's parallelizer on a fixed pool: the caller and up to {@code parallelism - 1} pool
 * threads take chunks of indexes (about the square root of the count, as upstream) until all are
 * done or the work sets the stop flag. Small counts run on the caller alone: handing work to other
 * threads costs more than a few cheap filter calls.
 */
public final class ForkJoinParallelizer implements Parallelizer, AutoCloseable {
  private static final int INLINE_BELOW = 32;

  private final int parallelism;
  private final ExecutorService pool;

  public ForkJoinParallelizer(int parallelism) {
    this.parallelism = Math.max(1, parallelism);
    this.pool =
        this.parallelism == 1
            ? null
            : Executors.newFixedThreadPool(
                this.parallelism - 1,
                r -> {
                  Thread t = new Thread(r, "scheduler-parallel");
                  t.setDaemon(true);
                  return t;
                });
  }

  public int parallelism() {
    return parallelism;
  }

  @Override
  public void until(int pieces, IntConsumer work, AtomicBoolean stop) {
    if (pieces <= 0) {
      return;
    }
    if (pool == null || pieces < INLINE_BELOW) {
      for (int i = 0; i < pieces && !stop.get(); i++) {
        work.accept(i);
      }
      return;
    }
    int chunk = Math.max(1, Math.min((int) Math.sqrt(pieces), pieces / parallelism + 1));
    AtomicInteger next = new AtomicInteger();
    Runnable worker =
        () -> {
          while (!stop.get()) {
            int start = next.getAndAdd(chunk);
            if (start >= pieces) {
              return;
            }
            int end = Math.min(pieces, start + chunk);
            for (int i = start; i < end && !stop.get(); i++) {
              work.accept(i);
            }
          }
        };
    int helpers = Math.min(parallelism - 1, (pieces + chunk - 1) / chunk - 1);
    Future<?>[] futures = new Future<?>[helpers];
    for (int i = 0; i < helpers; i++) {
      futures[i] = pool.submit(worker);
    }
    RuntimeException failure = null;
    try {
      worker.run();
    } catch (RuntimeException e) {
      stop.set(true);
      failure = e;
    }
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stop.set(true);
      } catch (java.util.concurrent.ExecutionException e) {
        if (failure == null) {
          failure = new IllegalStateException(e.getCause());
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
