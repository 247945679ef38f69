package io.k8j.client.queue;

import java.time.Duration;

/** Decides how long an item waits before it is retried, as client-go's {@code RateLimiter}. */
public interface RateLimiter<T> {
  /** Records one more failure of {@code item} and returns how long it must wait now. */
  Duration when(T item);

  /** Forgets the item's failures: it succeeded, or it is gone. */
  void forget(T item);

  /** How many times the item has failed since it was last forgotten. */
  int numRequeues(T item);
}
