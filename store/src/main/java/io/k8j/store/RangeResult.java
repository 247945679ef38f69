package io.k8j.store;

import java.util.List;

/**
 * The answer to a {@link RangeRequest}.
 *
 * @param kvs the live keys of the range at {@code revision}, in key order, at most the limit
 * @param revision the revision the read saw: the request's, or the current one if it asked for
 *     {@link Revision#ZERO}. Reading again at this revision sees the same keys.
 * @param count how many live keys the whole range holds at that revision, ignoring the limit
 * @param more whether keys past the last returned one remain in the range
 */
public record RangeResult(List<KeyValue> kvs, Revision revision, long count, boolean more) {
  public RangeResult {
    kvs = List.copyOf(kvs);
  }
}
