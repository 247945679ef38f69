package io.k8j.client.leaderelection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.k8j.common.FakeClock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LeaderElectorTest {
  private final FakeClock clock = new FakeClock();
  private final InMemoryLeaseLock lock = new InMemoryLeaseLock();

  private LeaderElector elector(String id) {
    return new LeaderElector(lock, LeaderElectionConfig.defaults(id), clock);
  }

  @Test
  void aHeldLeaseIsTakenOverOnlyAfterLeaseDurationWithoutRenewal() {
    LeaderElector a = elector("a");
    LeaderElector b = elector("b");
    assertThat(a.tryAcquireOrRenew()).isTrue();
    assertThat(b.tryAcquireOrRenew()).isFalse();
    clock.advance(Duration.ofSeconds(10));
    assertThat(a.tryAcquireOrRenew()).as("renewal").isTrue();
    clock.advance(Duration.ofSeconds(10));
    assertThat(b.tryAcquireOrRenew()).as("renewed 10 s ago, lease is 15 s").isFalse();
    clock.advance(Duration.ofSeconds(14));
    assertThat(b.tryAcquireOrRenew()).as("14 s after b saw the renewal").isFalse();
    clock.advance(Duration.ofSeconds(2));
    assertThat(b.tryAcquireOrRenew()).isTrue();
    assertThat(lock.record().holderIdentity()).isEqualTo("b");
    assertThat(lock.record().leaderTransitions()).isEqualTo(1);
    assertThat(a.tryAcquireOrRenew()).as("a sees b's fresh lease").isFalse();
    assertThat(a.observedLeader()).isEqualTo("b");
  }

  @Test
  void aLeaderThatCannotRenewStopsWithinTheRenewDeadlineBeforeTheLeaseExpires() throws Exception {
    LeaderElector a = elector("a");
    AtomicBoolean leading = new AtomicBoolean();
    AtomicLong stoppedAt = new AtomicLong(-1);
    Thread t =
        Thread.ofVirtual()
            .start(
                () ->
                    a.run(
                        new LeaderElector.Callbacks() {
                          @Override
                          public void onStartedLeading() {
                            leading.set(true);
                          }

                          @Override
                          public void onStoppedLeading() {
                            leading.set(false);
                            stoppedAt.set(clock.nanoTime());
                          }
                        }));
    await().atMost(Duration.ofSeconds(30)).until(leading::get);
    long start = clock.nanoTime();
    lock.unreachable.set(true);
    while (stoppedAt.get() < 0 && clock.nanoTime() - start < Duration.ofSeconds(60).toNanos()) {
      // a step only once the elector sleeps again, however slowly its thread runs
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(2))
          .until(() -> stoppedAt.get() >= 0 || clock.hasSleepers());
      if (stoppedAt.get() < 0) {
        clock.advance(Duration.ofMillis(500));
      }
    }
    t.join(Duration.ofSeconds(30));
    Duration after = Duration.ofNanos(stoppedAt.get() - start);
    assertThat(after).isBetween(Duration.ofSeconds(10), Duration.ofSeconds(13));
    assertThat(a.isLeader()).isFalse();
  }

  @Test
  void closingALeaderReleasesTheLeaseForOthersAtOnce() throws Exception {
    LeaderElector a = elector("a");
    AtomicBoolean started = new AtomicBoolean();
    AtomicBoolean stopped = new AtomicBoolean();
    Thread t =
        Thread.ofVirtual()
            .start(
                () ->
                    a.run(
                        new LeaderElector.Callbacks() {
                          @Override
                          public void onStartedLeading() {
                            started.set(true);
                          }

                          @Override
                          public void onStoppedLeading() {
                            stopped.set(true);
                          }
                        }));
    await().atMost(Duration.ofSeconds(30)).until(started::get);
    a.close();
    t.join(Duration.ofSeconds(30));
    assertThat(stopped).isTrue();
    assertThat(lock.record().holderIdentity()).isEmpty();
    LeaderElector b = elector("b");
    assertThat(b.tryAcquireOrRenew()).isTrue();
  }
}
