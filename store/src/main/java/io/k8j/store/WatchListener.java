package io.k8j.store;

import java.util.List;

/**
 * Receives the events of one watch.
 *
 * <p>The store calls a listener from its own threads, never two calls at once for one watch, and in
 * revision order. A listener must return quickly: a backend buffers events for a slow listener
 * rather than block writers, and may end the watch with {@link #onError} when that buffer
 * overflows.
 */
public interface WatchListener {
  /**
   * A batch of events, in revision order, with no gap and no duplicate relative to the batches
   * before it. Events of one revision are never split across batches.
   */
  void onEvents(List<WatchEvent> events);

  /**
   * The watch has ended and will deliver nothing more: compacted history ({@link
   * CompactedException}), an overflowing buffer, or the store closing. Called at most once.
   */
  void onError(StoreException error);
}
