package io.k8j.store;

import java.util.Objects;

/**
 * A read of a key or of a range of keys.
 *
 * @param range the keys to read
 * @param revision the revision to read at; {@link Revision#ZERO} for the current one
 * @param limit the most keys to return; 0 for no limit
 * @param countOnly return only the count, no key-values
 * @param keysOnly return key-values with empty values
 */
public record RangeRequest(
    KeyRange range, Revision revision, long limit, boolean countOnly, boolean keysOnly) {
  public RangeRequest {
    Objects.requireNonNull(range, "range");
    Objects.requireNonNull(revision, "revision");
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative: " + limit);
    }
  }

  public static RangeRequest of(KeyRange range) {
    return new RangeRequest(range, Revision.ZERO, 0, false, false);
  }

  public static RangeRequest prefix(String prefix) {
    return of(KeyRange.prefix(prefix));
  }

  public RangeRequest atRevision(Revision rev) {
    return new RangeRequest(range, rev, limit, countOnly, keysOnly);
  }

  public RangeRequest withLimit(long n) {
    return new RangeRequest(range, revision, n, countOnly, keysOnly);
  }

  public RangeRequest startingAt(String key) {
    return new RangeRequest(range.from(key), revision, limit, countOnly, keysOnly);
  }

  public RangeRequest countingOnly() {
    return new RangeRequest(range, revision, limit, true, keysOnly);
  }

  public RangeRequest withoutValues() {
    return new RangeRequest(range, revision, limit, countOnly, true);
  }
}
