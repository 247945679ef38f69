package io.k8j.store.etcd;

import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;

/** Recognizes etcd's errors, which jetcd hands over as a gRPC code and etcd's message. */
final class EtcdErrors {
  private EtcdErrors() {}

  /** "mvcc: required revision has been compacted" from a range, a compact or a watch. */
  static boolean isCompacted(EtcdException e) {
    return e instanceof io.etcd.jetcd.common.exception.CompactedException
        || messageContains(e, "required revision has been compacted");
  }

  /** "mvcc: required revision is a future revision". */
  static boolean isFutureRevision(EtcdException e) {
    return messageContains(e, "required revision is a future revision");
  }

  /** "requested lease not found", from a put, a keep-alive or a revoke. */
  static boolean isLeaseNotFound(EtcdException e) {
    return e.getErrorCode() == ErrorCode.NOT_FOUND || messageContains(e, "lease not found");
  }

  /**
   * The member had no leader and rejected the request before proposing it, or a read lost its
   * leader half-way: nothing was written, so the request may be sent again.
   */
  static boolean isLeaderless(EtcdException e) {
    return messageContains(e, "no leader") || messageContains(e, "leader changed");
  }

  /** The connection to a member failed; for a write, whether it was applied is unknown. */
  static boolean isUnavailable(EtcdException e) {
    return e.getErrorCode() == ErrorCode.UNAVAILABLE;
  }

  private static boolean messageContains(EtcdException e, String text) {
    return e.getMessage() != null && e.getMessage().contains(text);
  }
}
