package io.k8j.apiserver.registry;

import io.k8j.common.Clock;
import io.k8j.store.LeaseId;
import io.k8j.store.Store;
import java.time.Duration;

/**
 * Store leases for objects that expire (events, after an hour), shared as upstream's lease manager
 * shares them: objects created within one minute get the same lease, whose TTL covers the last of
 * them, so a busy cluster grants a lease a minute rather than one per event.
 */
public final class Leases {
  private static final Duration REUSE = Duration.ofMinutes(1);

  private final Store store;
  private final Clock clock;
  private LeaseId current;
  private Duration currentTtl;
  private long grantedAt;

  public Leases(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** A lease that expires no sooner than {@code ttl} from now. */
  public synchronized LeaseId leaseFor(Duration ttl) {
    long now = clock.nanoTime();
    if (current == null || !ttl.equals(currentTtl) || now - grantedAt > REUSE.toNanos()) {
      current = store.grantLease(ttl.plus(REUSE));
      currentTtl = ttl;
      grantedAt = now;
    }
    return current;
  }

  /** Forgets the shared lease (it was not found: expired or revoked). */
  public synchronized void invalidate(LeaseId lease) {
    if (lease.equals(current)) {
      current = null;
    }
  }
}
