package io.k8j.store.etcd;

import io.etcd.jetcd.Response;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.common.exception.EtcdExceptionFactory;
import io.k8j.common.Clock;
import io.k8j.store.StoreException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Sends one request to etcd and blocks for its answer, within the request timeout. A request that
 * etcd rejected for want of a leader is sent again until the deadline; a read is also sent again
 * when its connection failed. Every other failure comes back as the {@link EtcdException} jetcd
 * raised, for the caller to translate.
 */
final class EtcdRequests {
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(50);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(1);

  /** Whether a request may be sent again after its connection failed mid-way. */
  enum Idempotence {
    /** Reads, and writes whose repetition changes nothing (compact, revoke, keep-alive). */
    IDEMPOTENT,
    /** Conditional writes: a repeated one could fail on its own first attempt's success. */
    NOT_IDEMPOTENT
  }

  private final Duration timeout;
  private final Clock clock;
  private final LeaderChangeLog leaderChanges;

  EtcdRequests(Duration timeout, Clock clock, LeaderChangeLog leaderChanges) {
    this.timeout = timeout;
    this.clock = clock;
    this.leaderChanges = leaderChanges;
  }

  /**
   * The answer to {@code request}.
   *
   * @throws EtcdException etcd's own error
   * @throws StoreException when etcd did not answer in time
   */
  <T> T call(String what, Idempotence idempotence, Supplier<CompletableFuture<T>> request) {
    long deadline = clock.nanoTime() + timeout.toNanos();
    Duration backoff = FIRST_BACKOFF;
    while (true) {
      try {
        T answer = await(what, request.get(), deadline);
        if (answer instanceof Response response) {
          leaderChanges.observe(response.getHeader());
        }
        return answer;
      } catch (EtcdException e) {
        boolean again =
            EtcdErrors.isLeaderless(e)
                || (idempotence == Idempotence.IDEMPOTENT && EtcdErrors.isUnavailable(e));
        if (!again || clock.nanoTime() + backoff.toNanos() > deadline) {
          throw e;
        }
        sleep(backoff);
        backoff = min(backoff.multipliedBy(2), MAX_BACKOFF);
      }
    }
  }

  /** A store failure for an etcd error that has no more specific meaning. */
  static StoreException failure(String what, EtcdException e) {
    return new StoreException("etcd " + what + " failed: " + e.getMessage(), e);
  }

  private <T> T await(String what, CompletableFuture<T> future, long deadline) {
    try {
      return future.get(Math.max(0, deadline - clock.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new StoreException("etcd did not answer " + what + " within " + timeout, e);
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while waiting for etcd " + what, e);
    } catch (ExecutionException e) {
      throw EtcdExceptionFactory.toEtcdException(e.getCause());
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private void sleep(Duration d) {
    try {
      clock.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while waiting for an etcd leader", e);
    }
  }
}
