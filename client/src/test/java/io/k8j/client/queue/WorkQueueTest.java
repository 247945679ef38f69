package io.k8j.client.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8j.common.FakeClock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WorkQueueTest {
  private final FakeClock clock = new FakeClock();
  private final WorkQueue<String> q = WorkQueue.forController(clock);

  @Test
  void anItemAddedTwiceWhileWaitingIsHandedOutOnce() throws Exception {
    q.add("a");
    q.add("b");
    q.add("a");
    assertThat(q.length()).isEqualTo(2);
    assertThat(q.get()).isEqualTo("a");
    assertThat(q.get()).isEqualTo("b");
    assertThat(q.length()).isZero();
  }

  @Test
  void anItemAddedWhileInFlightComesBackOnlyAfterDone() throws Exception {
    q.add("a");
    assertThat(q.get()).isEqualTo("a");
    q.add("a");
    q.add("a");
    assertThat(q.length()).as("not handed to a second worker while in flight").isZero();
    q.done("a");
    assertThat(q.length()).isEqualTo(1);
    assertThat(q.get()).isEqualTo("a");
    q.done("a");
    assertThat(q.length()).isZero();
  }

  @Test
  void addAfterWaitsForTheClockAndTheEarliestDelayWins() throws Exception {
    q.addAfter("a", Duration.ofSeconds(10));
    q.addAfter("a", Duration.ofSeconds(3));
    q.addAfter("a", Duration.ofSeconds(20));
    assertThat(q.length()).isZero();
    clock.advance(Duration.ofSeconds(2));
    assertThat(q.length()).isZero();
    clock.advance(Duration.ofSeconds(1));
    assertThat(q.length()).isEqualTo(1);
    assertThat(q.get()).isEqualTo("a");
    q.done("a");
    clock.advance(Duration.ofSeconds(30));
    assertThat(q.length()).as("the later delays were merged into the earliest").isZero();
  }

  @Test
  void aBlockedGetWakesWhenTheFakeClockReachesADelayedItem() throws Exception {
    q.addAfter("a", Duration.ofMinutes(1));
    CompletableFuture<String> got =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return q.get();
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    Thread.sleep(50);
    assertThat(got).isNotDone();
    clock.advance(Duration.ofMinutes(1));
    assertThat(got.get(30, TimeUnit.SECONDS)).isEqualTo("a");
  }

  @Test
  void rateLimitedRetriesBackOffPerItemUntilForgotten() throws Exception {
    q.addRateLimited("a");
    clock.advance(Duration.ofMillis(4));
    assertThat(q.length()).isZero();
    clock.advance(Duration.ofMillis(1));
    assertThat(q.get()).isEqualTo("a");
    q.done("a");
    q.addRateLimited("a");
    clock.advance(Duration.ofMillis(9));
    assertThat(q.length()).isZero();
    clock.advance(Duration.ofMillis(1));
    assertThat(q.length()).isEqualTo(1);
    assertThat(q.numRequeues("a")).isEqualTo(2);
    q.forget("a");
    assertThat(q.numRequeues("a")).isZero();
  }

  @Test
  void shutDownReleasesBlockedWorkers() throws Exception {
    CompletableFuture<String> got =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return q.get();
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    Thread.sleep(20);
    q.shutDown();
    assertThat(got.get(30, TimeUnit.SECONDS)).isNull();
    q.add("late");
    assertThat(q.length()).isZero();
  }
}
