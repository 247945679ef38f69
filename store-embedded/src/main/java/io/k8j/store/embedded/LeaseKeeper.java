package io.k8j.store.embedded;

import io.k8j.common.Clock;
import io.k8j.store.KeyValue;
import io.k8j.store.LeaseId;
import io.k8j.store.LeaseNotFoundException;
import io.k8j.store.WatchEvent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * The granted leases: their TTLs (durable), deadlines (in memory, on the injected clock) and the
 * keys attached to them. A thread checks deadlines and hands each expired lease to the write path,
 * which deletes its keys. After a restart every lease gets its full TTL again, as in etcd.
 */
final class LeaseKeeper implements AutoCloseable {
  static final Duration TICK = Duration.ofMillis(100);

  /** One lease; the key set is changed only by the committer thread. */
  static final class Lease {
    final LeaseId id;
    final long ttlNanos;
    final Set<String> keys = ConcurrentHashMap.newKeySet();
    private long deadline;
    private boolean expiring;

    Lease(LeaseId id, long ttlNanos, long deadline) {
      this.id = id;
      this.ttlNanos = ttlNanos;
      this.deadline = deadline;
    }

    /** Whether the lease counts as granted at {@code now}. */
    synchronized boolean isLive(long now) {
      return !expiring && deadline - now > 0;
    }

    /** Restarts the countdown, unless the lease is already due. */
    synchronized boolean renew(long now) {
      if (!isLive(now)) {
        return false;
      }
      deadline = now + ttlNanos;
      return true;
    }

    /** Marks a due lease as expiring, once; it cannot be renewed from then on. */
    synchronized boolean expireIfDue(long now) {
      if (expiring || deadline - now > 0) {
        return false;
      }
      expiring = true;
      return true;
    }
  }

  private final Database database;
  private final Clock clock;
  private final Map<LeaseId, Lease> leases = new ConcurrentHashMap<>();
  private volatile Thread expirer;

  LeaseKeeper(Database database, Clock clock) {
    this.database = database;
    this.clock = clock;
    long now = clock.nanoTime();
    database
        .leases()
        .forEach(
            (id, ttlMillis) -> {
              long ttl = Duration.ofMillis(ttlMillis).toNanos();
              leases.put(id, new Lease(id, ttl, now + ttl));
            });
  }

  /** Starts expiring leases; {@code expire} takes each expired lease to the write path. */
  void start(Consumer<LeaseId> expire) {
    expirer =
        Thread.ofPlatform().daemon().name("embedded-store-leases").start(() -> expireLoop(expire));
  }

  private void expireLoop(Consumer<LeaseId> expire) {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        long now = clock.nanoTime();
        for (Lease lease : leases.values()) {
          if (lease.expireIfDue(now)) {
            expire.accept(lease.id);
          }
        }
        // The next check is due a tick after this one, not a tick after the sleep begins: time that
        // passed while this thread was checking (or not yet running) counts towards it.
        clock.sleepUntil(now + TICK.toNanos());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  LeaseId grant(Duration ttl) {
    LeaseId id;
    do {
      id = new LeaseId(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE));
    } while (leases.containsKey(id));
    try (Database.Batch batch = database.newBatch()) {
      batch.putLease(id, ttl.toMillis());
      database.commit(batch);
    }
    long ttlNanos = ttl.toNanos();
    leases.put(id, new Lease(id, ttlNanos, clock.nanoTime() + ttlNanos));
    return id;
  }

  void keepAlive(LeaseId id) {
    Lease lease = leases.get(id);
    if (lease == null || !lease.renew(clock.nanoTime())) {
      throw new LeaseNotFoundException(id);
    }
  }

  /** Whether a write may attach a key to {@code id} now. */
  boolean isLive(LeaseId id) {
    Lease lease = leases.get(id);
    return lease != null && lease.isLive(clock.nanoTime());
  }

  boolean exists(LeaseId id) {
    return leases.containsKey(id);
  }

  /**
   * Forgets the lease (the caller deletes its keys and its record in one batch).
   *
   * @return its attached keys in key order, or null if there was no such lease
   */
  List<String> remove(LeaseId id) {
    Lease lease = leases.remove(id);
    return lease == null ? null : List.copyOf(new TreeSet<>(lease.keys));
  }

  /** Follows committed changes: keys move between leases as they are written and deleted. */
  void track(List<WatchEvent> events) {
    for (WatchEvent e : events) {
      if (e.prevKv() != null && !e.prevKv().lease().isNone()) {
        detach(e.prevKv());
      }
      if (e.type() == WatchEvent.Type.PUT && !e.kv().lease().isNone()) {
        Lease lease = leases.get(e.kv().lease());
        if (lease != null) {
          lease.keys.add(e.kv().key());
        }
      }
    }
  }

  /** Attaches a key found at start-up. */
  void attach(KeyValue kv) {
    Lease lease = leases.get(kv.lease());
    if (lease != null) {
      lease.keys.add(kv.key());
    }
  }

  private void detach(KeyValue kv) {
    Lease lease = leases.get(kv.lease());
    if (lease != null) {
      lease.keys.remove(kv.key());
    }
  }

  int count() {
    return leases.size();
  }

  @Override
  public void close() {
    Thread t = expirer;
    if (t != null) {
      t.interrupt();
      try {
        t.join(Duration.ofSeconds(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
