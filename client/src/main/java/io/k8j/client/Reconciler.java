package io.k8j.client;

/** What a controller does with one key. */
@FunctionalInterface
public interface Reconciler {
  /**
   * Brings the object named by {@code key} to its desired state, reading it afresh from the cache.
   * Must be idempotent: it may run again for the same key at any moment. Throwing retries the key
   * through the rate limiter.
   */
  void sync(String key) throws Exception;
}
