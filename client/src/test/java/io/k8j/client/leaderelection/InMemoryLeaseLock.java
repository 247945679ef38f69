package io.k8j.client.leaderelection;

import java.util.concurrent.atomic.AtomicBoolean;

/** A lease in memory, with a switch that makes the API server unreachable. */
final class InMemoryLeaseLock implements LeaseLock {
  private LeaderElectionRecord record;
  private long version;
  final AtomicBoolean unreachable = new AtomicBoolean();

  private void check() {
    if (unreachable.get()) {
      throw new IllegalStateException("connection refused");
    }
  }

  @Override
  public synchronized Versioned get() {
    check();
    return record == null ? null : new Versioned(record, Long.toString(version));
  }

  @Override
  public synchronized boolean create(LeaderElectionRecord r) {
    check();
    if (record != null) {
      return false;
    }
    record = r;
    version++;
    return true;
  }

  @Override
  public synchronized boolean update(LeaderElectionRecord r, String v) {
    check();
    if (!Long.toString(version).equals(v)) {
      return false;
    }
    record = r;
    version++;
    return true;
  }

  synchronized LeaderElectionRecord record() {
    return record;
  }

  @Override
  public String describe() {
    return "memory";
  }
}
