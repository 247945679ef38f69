package io.k8j.store;

import java.time.Duration;

/**
 * The cluster store: a multi-version key-value store with etcd v3's semantics, restricted to
 * exactly what the API server needs. The API server is its only user.
 *
 * <p>Contract, checked for every backend by {@code StoreContract}:
 *
 * <ul>
 *   <li>Every successful write gets a new revision, one more than the last; a failed condition
 *       writes nothing and consumes no revision.
 *   <li>A write returns only once it is durable (on disk, or on a quorum for etcd).
 *   <li>Reads at a revision see exactly the writes up to it (a consistent snapshot), until that
 *       revision is compacted.
 *   <li>Watches deliver every change after their start, in revision order, with no gap and no
 *       duplicate, with the previous value on updates and deletes.
 *   <li>All methods are safe to call from many threads at once. Methods block; callers run on
 *       virtual threads.
 * </ul>
 */
public interface Store extends AutoCloseable {

  /** The revision of the last successful write (0 for an empty, new store). */
  Revision currentRevision();

  /**
   * Reads a key or a range of keys.
   *
   * @throws CompactedException if the requested revision is older than the compact revision
   * @throws FutureRevisionException if the requested revision is newer than the current one
   */
  RangeResult range(RangeRequest request);

  /** Reads one key at the current revision; null if it does not exist. */
  default KeyValue get(String key) {
    RangeResult r = range(RangeRequest.of(KeyRange.key(key)));
    return r.kvs().isEmpty() ? null : r.kvs().getFirst();
  }

  /**
   * Creates {@code key} if it does not exist. Fails (returning the existing value) if it does.
   *
   * @param lease the lease to attach the key to, or {@link LeaseId#NONE}
   * @throws LeaseNotFoundException if the lease does not exist
   */
  WriteResult create(String key, byte[] value, LeaseId lease);

  /**
   * Replaces the value of {@code key} if its mod revision equals {@code expectedModRevision}. Fails
   * (returning the current value, or null) if the key does not exist or has changed.
   *
   * @param lease the lease to attach the key to, or {@link LeaseId#NONE}
   * @throws LeaseNotFoundException if the lease does not exist
   */
  WriteResult update(String key, byte[] value, Revision expectedModRevision, LeaseId lease);

  /**
   * Deletes {@code key} if its mod revision equals {@code expectedModRevision}, or whatever it is
   * when that is {@link Revision#ZERO}. Fails (returning the current value, or null) if the key
   * does not exist or has changed.
   */
  WriteResult delete(String key, Revision expectedModRevision);

  /**
   * Watches a key or a range of keys.
   *
   * @param startRevision the first revision to deliver (inclusive, as etcd): every change with a
   *     revision at or after it is delivered, history first, then live changes. {@link
   *     Revision#ZERO} means "changes after the current revision".
   * @throws CompactedException if {@code startRevision} is older than the compact revision (the
   *     watch is not started)
   */
  Watch watch(KeyRange range, Revision startRevision, WatchListener listener);

  /**
   * Discards the history older than {@code revision}: reads and watches at a revision below it fail
   * with {@link CompactedException} from then on. The current value of every key is kept.
   * Compacting at or below the compact revision does nothing.
   *
   * @throws FutureRevisionException if {@code revision} is newer than the current revision
   */
  void compact(Revision revision);

  /** The revision of the last compaction; reads and watches at or after it succeed. */
  Revision compactRevision();

  /**
   * Grants a lease that expires {@code ttl} from now unless kept alive. When a lease expires or is
   * revoked, every key attached to it is deleted through the normal write path, with a DELETE event
   * each. The deletes may each take their own revision (the embedded store) or share one revision
   * (etcd deletes a lease's keys in one transaction); either way the revision moves forward.
   */
  LeaseId grantLease(Duration ttl);

  /**
   * Restarts the lease's countdown from its full TTL.
   *
   * @throws LeaseNotFoundException if the lease does not exist or has expired
   */
  void keepAlive(LeaseId lease);

  /** Revokes the lease now, deleting its keys. Revoking an unknown lease does nothing. */
  void revokeLease(LeaseId lease);

  /** Stops the store; running watches get {@link WatchListener#onError}. */
  @Override
  void close();
}
