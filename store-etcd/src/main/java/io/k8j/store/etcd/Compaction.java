package io.k8j.store.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.options.GetOption;
import io.k8j.store.FutureRevisionException;
import io.k8j.store.Revision;
import io.k8j.store.etcd.EtcdRequests.Idempotence;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compacts etcd's history and finds the compact revision, which etcd does not report on reads.
 *
 * <p>etcd rejects a read at revision {@code r} exactly when {@code r} is below its compact
 * revision, so the compact revision is the oldest revision a read still succeeds at: a binary
 * search of linearizable one-key reads between the last compact revision this client knew and the
 * current revision. It needs no bookkeeping key (upstream's {@code compact_rev_key}), so compaction
 * consumes no revision, and every client of the cluster finds the same answer as soon as a
 * compaction has returned.
 */
final class Compaction {
  private static final Logger LOG = LoggerFactory.getLogger(Compaction.class);

  /** Any key: etcd checks the revision of a read before it looks at keys. */
  private static final ByteSequence PROBE_KEY = EtcdCodec.key("\0");

  private final KV kv;
  private final EtcdRequests requests;
  private final Supplier<Revision> currentRevision;

  /** A compact revision known to be in effect; the real one may be newer. */
  private final AtomicLong known = new AtomicLong();

  Compaction(KV kv, EtcdRequests requests, Supplier<Revision> currentRevision) {
    this.kv = kv;
    this.requests = requests;
    this.currentRevision = currentRevision;
  }

  void compact(Revision revision) {
    try {
      requests.call(
          "compact at " + revision, Idempotence.IDEMPOTENT, () -> kv.compact(revision.value()));
    } catch (EtcdException e) {
      if (EtcdErrors.isCompacted(e)) {
        return;
      }
      if (EtcdErrors.isFutureRevision(e)) {
        throw new FutureRevisionException(revision, currentRevision.get());
      }
      throw EtcdRequests.failure("compact at " + revision, e);
    }
    known.accumulateAndGet(revision.value(), Math::max);
    LOG.info("compacted etcd history before revision {}", revision);
  }

  Revision compactRevision() {
    long low = known.get();
    if (readable(Math.max(low, 1))) {
      return Revision.of(low);
    }
    // not readable at low, readable at high: the compact revision is in (low, high]
    long high = currentRevision.get().value();
    while (high - low > 1) {
      long mid = low + (high - low) / 2;
      if (readable(mid)) {
        high = mid;
      } else {
        low = mid;
      }
    }
    known.accumulateAndGet(high, Math::max);
    return Revision.of(high);
  }

  private boolean readable(long revision) {
    GetOption probe = GetOption.builder().withRevision(revision).withCountOnly(true).build();
    try {
      requests.call(
          "read at revision " + revision, Idempotence.IDEMPOTENT, () -> kv.get(PROBE_KEY, probe));
      return true;
    } catch (EtcdException e) {
      if (EtcdErrors.isCompacted(e)) {
        return false;
      }
      throw EtcdRequests.failure("read at revision " + revision, e);
    }
  }
}
