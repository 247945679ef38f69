package io.k8j.controllers.replicaset;

import java.util.function.Supplier;

/**
 * Upstream's {@code slowStartBatch}: calls {@code fn} in batches of 1, 2, 4, ... and stops at the
 * first batch with a failure, so that a controller whose creations all fail (quota, admission)
 * makes one doomed call, not hundreds.
 */
public final class SlowStart {
  /** How many calls succeeded, and the first failure (null if none). */
  public record Result(int successes, RuntimeException error) {}

  private SlowStart() {}

  public static Result run(int count, Supplier<?> fn) {
    int successes = 0;
    int batch = 1;
    for (int remaining = count; remaining > 0; ) {
      int size = Math.min(remaining, batch);
      RuntimeException error = null;
      for (int i = 0; i < size; i++) {
        try {
          fn.get();
          successes++;
        } catch (RuntimeException e) {
          if (error == null) {
            error = e;
          }
        }
      }
      if (error != null) {
        return new Result(successes, error);
      }
      remaining -= size;
      batch *= 2;
    }
    return new Result(successes, null);
  }
}
