package io.k8j.client.leaderelection;

/** The object a leader election competes for. */
public interface LeaseLock {
  /** A record and the version it was read at (for an optimistic update). */
  record Versioned(LeaderElectionRecord record, String version) {}

  /** The current record, or null when the lease does not exist. */
  Versioned get();

  /** Creates the lease; false if someone created it first. */
  boolean create(LeaderElectionRecord record);

  /** Replaces the record if the lease is still at {@code version}; false otherwise. */
  boolean update(LeaderElectionRecord record, String version);

  /** Who this lock is for, in logs: {@code namespace/name}. */
  String describe();
}
