package io.k8j.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.k8j.client.fake.FakeInformer;
import io.k8j.client.queue.WorkQueue;
import io.k8j.common.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ControllerTest {
  @Test
  void aKeyIsSyncedByOneWorkerAtATimeWhileOtherKeysRunInParallel() throws Exception {
    Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    AtomicInteger maxPerKey = new AtomicInteger();
    AtomicInteger maxOverall = new AtomicInteger();
    AtomicInteger overall = new AtomicInteger();
    AtomicInteger syncs = new AtomicInteger();
    Reconciler r =
        key -> {
          int n = inFlight.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
          maxPerKey.accumulateAndGet(n, Math::max);
          maxOverall.accumulateAndGet(overall.incrementAndGet(), Math::max);
          Thread.sleep(5);
          overall.decrementAndGet();
          inFlight.get(key).decrementAndGet();
          syncs.incrementAndGet();
        };
    WorkQueue<String> q = WorkQueue.forController(Clock.SYSTEM);
    try (Controller c = new Controller("test", q, r, List.of())) {
      c.start(4);
      for (int round = 0; round < 20; round++) {
        for (String k : List.of("a", "b", "c", "d")) {
          q.add(k);
        }
        Thread.sleep(2);
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> q.length() == 0 && overall.get() == 0);
    }
    assertThat(maxPerKey.get()).isEqualTo(1);
    assertThat(maxOverall.get()).isGreaterThan(1);
    assertThat(syncs.get()).isLessThan(80).as("adds while waiting were merged");
  }

  @Test
  void aFailedSyncIsRetriedThroughTheRateLimiterAndForgottenOnSuccess() {
    AtomicInteger attempts = new AtomicInteger();
    WorkQueue<String> q = WorkQueue.forController(Clock.SYSTEM);
    Reconciler r =
        key -> {
          if (attempts.incrementAndGet() < 4) {
            throw new IllegalStateException("not yet");
          }
        };
    try (Controller c = new Controller("test", q, r, List.of())) {
      c.start(1);
      q.add("k");
      await().atMost(Duration.ofSeconds(30)).until(() -> attempts.get() == 4);
      await().atMost(Duration.ofSeconds(30)).until(() -> q.numRequeues("k") == 0);
    }
  }

  @Test
  void workersWaitForTheCachesToSync() throws Exception {
    FakeInformer<Pod> pods = new FakeInformer<>();
    pods.setSynced(false);
    AtomicInteger syncs = new AtomicInteger();
    WorkQueue<String> q = WorkQueue.forController(Clock.SYSTEM);
    try (Controller c = new Controller("test", q, k -> syncs.incrementAndGet(), List.of(pods))) {
      c.start(1);
      q.add("k");
      Thread.sleep(200);
      assertThat(syncs.get()).isZero();
      pods.setSynced(true);
      await().atMost(Duration.ofSeconds(30)).until(() -> syncs.get() == 1);
    }
  }
}
