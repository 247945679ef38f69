package io.k8j.store.etcd;

import io.etcd.jetcd.Response;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices etcd elections from the raft term every response carries, and logs one line per new term:
 * a leader change is the first thing to look for when writes slow down or fail.
 */
final class LeaderChangeLog {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderChangeLog.class);

  private final AtomicLong term = new AtomicLong();

  void observe(Response.Header header) {
    long seen = header.getRaftTerm();
    long before = term.getAndAccumulate(seen, Math::max);
    if (before != 0 && seen > before) {
      LOG.info(
          "etcd leader change noticed: raft term {} -> {} (answered by member {})",
          before,
          seen,
          Long.toHexString(header.getMemberId()));
    }
  }
}
