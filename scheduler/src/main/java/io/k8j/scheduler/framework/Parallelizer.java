package io.k8j.scheduler.framework;

import java.util.function.IntConsumer;

/**
 * Runs a piece of work for indexes {@code 0..n-1} on several threads, as upstream's {@code
 * parallelize.Until}; returns once every started piece has finished.
 */
public interface Parallelizer {
  /**
   * Calls {@code work} for each index, stopping early (without starting more pieces) once {@code
   * stop} is set by the work itself.
   */
  void until(int pieces, IntConsumer work, java.util.concurrent.atomic.AtomicBoolean stop);

  default void until(int pieces, IntConsumer work) {
    until(pieces, work, new java.util.concurrent.atomic.AtomicBoolean());
  }

  /** One thread, in order: for tests. */
  Parallelizer SEQUENTIAL =
      (pieces, work, stop) -> {
        for (int i = 0; i < pieces && !stop.get(); i++) {
          work.accept(i);
        }
      };
}
