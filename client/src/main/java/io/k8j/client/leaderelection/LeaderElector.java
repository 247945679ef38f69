package io.k8j.client.leaderelection;

import io.k8j.common.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One candidate in a leader election, as client-go's {@code LeaderElector}.
 *
 * <p>States: <b>candidate</b> (tries to acquire every retryPeriod; a lease held by another is free
 * once leaseDuration has passed, on this candidate's own clock, since its record last changed) ->
 * <b>leader</b> (renews every retryPeriod) -> <b>stopped</b> (no renewal succeeded within
 * renewDeadline, another holder was seen, or the elector was closed). A stopped elector does not
 * campaign again: {@link #run} returns, and the caller may start a new one.
 */
public final class LeaderElector implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderElector.class);

  /** What the leader does. Callbacks run on the elector's thread and must return promptly. */
  public interface Callbacks {
    void onStartedLeading();

    void onStoppedLeading();
  }

  private final LeaseLock lock;
  private final LeaderElectionConfig config;
  private final Clock clock;
  private volatile LeaderElectionRecord observedRecord;
  private volatile long observedNanos;
  private volatile boolean leading;
  private volatile boolean closed;
  private volatile Thread runner;

  public LeaderElector(LeaseLock lock, LeaderElectionConfig config, Clock clock) {
    this.lock = lock;
    this.config = config;
    this.clock = clock;
  }

  /**
   * Campaigns until this candidate leads, then renews until it stops; blocks the calling thread
   * throughout. {@code onStoppedLeading} is called exactly when {@code onStartedLeading} was.
   */
  public void run(Callbacks callbacks) {
    runner = Thread.currentThread();
    try {
      if (!acquire()) {
        return;
      }
      leading = true;
      LOG.info("{} acquired lease {}", config.identity(), lock.describe());
      try {
        callbacks.onStartedLeading();
        renew();
      } finally {
        leading = false;
        LOG.info("{} stopped leading ({})", config.identity(), lock.describe());
        callbacks.onStoppedLeading();
        if (closed) {
          release();
        }
      }
    } finally {
      runner = null;
    }
  }

  private boolean acquire() {
    while (!closed) {
      if (tryAcquireOrRenew()) {
        return true;
      }
      if (!sleep(config.retryPeriod())) {
        return false;
      }
    }
    return false;
  }

  private void renew() {
    long lastRenewal = clock.nanoTime();
    while (!closed) {
      if (!sleep(config.retryPeriod())) {
        return;
      }
      long left = config.renewDeadline().toNanos() - (clock.nanoTime() - lastRenewal);
      Boolean renewed = left > 0 ? attemptWithin(left) : Boolean.FALSE;
      if (renewed == null) {
        return;
      }
      if (renewed) {
        lastRenewal = clock.nanoTime();
      } else if (heldByAnother()) {
        LOG.warn(
            "{} lost lease {} to {}",
            config.identity(),
            lock.describe(),
            observedRecord.holderIdentity());
        return;
      } else if (clock.nanoTime() - lastRenewal >= config.renewDeadline().toNanos()) {
        LOG.warn(
            "{} could not renew lease {} within {}",
            config.identity(),
            lock.describe(),
            config.renewDeadline());
        return;
      }
    }
  }

  /**
   * One renewal that may not outlast the renew deadline (upstream bounds it with a context): a
   * request still running when the deadline passes counts as failed. Null when interrupted.
   */
  private Boolean attemptWithin(long nanos) {
    var attempt = new java.util.concurrent.FutureTask<>(this::tryAcquireOrRenew);
    Thread.ofVirtual().name(config.identity() + "-renew").start(attempt);
    try {
      return attempt.get(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      attempt.cancel(true);
      return null;
    } catch (java.util.concurrent.TimeoutException e) {
      attempt.cancel(true);
      LOG.warn(
          "{}: renewing lease {} took longer than the renew deadline",
          config.identity(),
          lock.describe());
      return false;
    } catch (java.util.concurrent.ExecutionException e) {
      return false;
    }
  }

  /** One attempt: create the lease, renew ours, or take over an expired one. */
  boolean tryAcquireOrRenew() {
    Instant now = clock.now();
    LeaderElectionRecord wanted =
        new LeaderElectionRecord(
            config.identity(), (int) config.leaseDuration().toSeconds(), now, now, 0);
    LeaseLock.Versioned current;
    try {
      current = lock.get();
      if (current == null) {
        if (!lock.create(wanted)) {
          return false;
        }
        observe(wanted);
        return true;
      }
    } catch (RuntimeException e) {
      LOG.debug(
          "{}: reading lease {} failed: {}", config.identity(), lock.describe(), e.toString());
      return false;
    }
    LeaderElectionRecord old = current.record();
    if (!Objects.equals(old, observedRecord)) {
      observe(old);
    }
    boolean mine = config.identity().equals(old.holderIdentity());
    if (!old.holderIdentity().isEmpty()
        && !mine
        && clock.nanoTime() - observedNanos
            < Duration.ofSeconds(old.leaseDurationSeconds()).toNanos()) {
      return false;
    }
    LeaderElectionRecord next =
        mine
            ? new LeaderElectionRecord(
                config.identity(),
                wanted.leaseDurationSeconds(),
                old.acquireTime(),
                now,
                old.leaderTransitions())
            : new LeaderElectionRecord(
                config.identity(),
                wanted.leaseDurationSeconds(),
                now,
                now,
                old.leaderTransitions() + 1);
    try {
      if (!lock.update(next, current.version())) {
        return false;
      }
    } catch (RuntimeException e) {
      LOG.debug(
          "{}: updating lease {} failed: {}", config.identity(), lock.describe(), e.toString());
      return false;
    }
    observe(next);
    return true;
  }

  private void observe(LeaderElectionRecord record) {
    observedRecord = record;
    observedNanos = clock.nanoTime();
  }

  private boolean heldByAnother() {
    return observedRecord != null
        && !observedRecord.holderIdentity().isEmpty()
        && !observedRecord.holderIdentity().equals(config.identity());
  }

  /** Gives the lease up so that another candidate need not wait for it to expire. */
  private void release() {
    Thread.interrupted();
    try {
      LeaseLock.Versioned current = lock.get();
      if (current == null || !config.identity().equals(current.record().holderIdentity())) {
        return;
      }
      Instant now = clock.now();
      lock.update(
          new LeaderElectionRecord("", 1, now, now, current.record().leaderTransitions()),
          current.version());
    } catch (RuntimeException e) {
      LOG.debug(
          "{}: releasing lease {} failed: {}", config.identity(), lock.describe(), e.toString());
    }
  }

  private boolean sleep(Duration d) {
    try {
      clock.sleep(d);
      return !closed;
    } catch (InterruptedException e) {
      return false;
    }
  }

  public boolean isLeader() {
    return leading;
  }

  /** The holder this candidate last saw in the lease ("" if none). */
  public String observedLeader() {
    LeaderElectionRecord r = observedRecord;
    return r == null ? "" : r.holderIdentity();
  }

  /** Stops campaigning or leading; a leader releases its lease. */
  @Override
  public void close() {
    closed = true;
    Thread t = runner;
    if (t != null) {
      t.interrupt();
    }
  }
}
