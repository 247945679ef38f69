package io.k8j.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A view of a store in which the keys its callers use are laid out under another prefix of the
 * underlying store: a caller's key {@code from + rest} is stored as {@code to + rest}. This is what
 * {@code --etcd-prefix} does: the API server builds its keys under {@code /registry} and an
 * operator moves them (for example to share one etcd between clusters). Revisions, leases and
 * compaction are the underlying store's. Keys outside {@code from} are refused.
 */
public final class PrefixedStore extends ForwardingStore {
  private final String from;
  private final String to;

  private PrefixedStore(Store delegate, String from, String to) {
    super(delegate);
    this.from = Objects.requireNonNull(from, "from");
    this.to = Objects.requireNonNull(to, "to");
  }

  /**
   * The store whose keys under {@code from} live under {@code to}, or the store itself when the two
   * are the same.
   */
  public static Store rewriting(Store delegate, String from, String to) {
    if (from.equals(to)) {
      return delegate;
    }
    if (to.isEmpty()) {
      throw new IllegalArgumentException("the store prefix must not be empty");
    }
    return new PrefixedStore(delegate, from, to);
  }

  String outer(String key) {
    if (!key.startsWith(from)) {
      throw new IllegalArgumentException("key " + key + " is not under " + from);
    }
    return to + key.substring(from.length());
  }

  String inner(String key) {
    if (!key.startsWith(to)) {
      throw new IllegalStateException("the store returned key " + key + " outside " + to);
    }
    return from + key.substring(to.length());
  }

  private KeyRange outer(KeyRange range) {
    return new KeyRange(outer(range.start()), range.end() == null ? null : outer(range.end()));
  }

  private KeyValue inner(KeyValue kv) {
    if (kv == null) {
      return null;
    }
    return new KeyValue(
        inner(kv.key()),
        kv.value(),
        kv.createRevision(),
        kv.modRevision(),
        kv.version(),
        kv.lease());
  }

  private WriteResult inner(WriteResult r) {
    return new WriteResult(r.succeeded(), r.revision(), inner(r.kv()));
  }

  @Override
  public RangeResult range(RangeRequest request) {
    RangeResult r =
        delegate.range(
            new RangeRequest(
                outer(request.range()),
                request.revision(),
                request.limit(),
                request.countOnly(),
                request.keysOnly()));
    List<KeyValue> kvs = new ArrayList<>(r.kvs().size());
    for (KeyValue kv : r.kvs()) {
      kvs.add(inner(kv));
    }
    return new RangeResult(kvs, r.revision(), r.count(), r.more());
  }

  @Override
  public WriteResult create(String key, byte[] value, LeaseId lease) {
    return inner(delegate.create(outer(key), value, lease));
  }

  @Override
  public WriteResult update(String key, byte[] value, Revision expectedModRevision, LeaseId lease) {
    return inner(delegate.update(outer(key), value, expectedModRevision, lease));
  }

  @Override
  public WriteResult delete(String key, Revision expectedModRevision) {
    return inner(delegate.delete(outer(key), expectedModRevision));
  }

  @Override
  public Watch watch(KeyRange range, Revision startRevision, WatchListener listener) {
    return mappedWatch(outer(range), startRevision, listener, this::inner);
  }
}
