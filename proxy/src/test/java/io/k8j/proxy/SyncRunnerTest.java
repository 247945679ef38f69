package io.k8j.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class SyncRunnerTest {
  @Test
  void runsAtOnceThenAtMostOncePerMinIntervalHoweverOftenAsked() throws Exception {
    List<Long> runs = new CopyOnWriteArrayList<>();
    try (SyncRunner r =
        new SyncRunner(
            "test",
            Duration.ofMillis(300),
            Duration.ofSeconds(60),
            () -> runs.add(System.nanoTime()))) {
      r.start();
      await().until(() -> runs.size() == 1);
      for (int i = 0; i < 50; i++) {
        r.request();
        Thread.sleep(10);
      }
      await().atMost(Duration.ofSeconds(2)).until(() -> runs.size() >= 2);
      Thread.sleep(400);
      for (int i = 1; i < runs.size(); i++) {
        assertThat(runs.get(i) - runs.get(i - 1))
            .isGreaterThanOrEqualTo(Duration.ofMillis(290).toNanos());
      }
      assertThat(runs.size()).as("500 ms of requests in 300 ms steps").isBetween(2, 4);
    }
  }

  @Test
  void runsOncePerMaxIntervalUnasked() throws Exception {
    List<Long> runs = new CopyOnWriteArrayList<>();
    try (SyncRunner r =
        new SyncRunner(
            "test",
            Duration.ofMillis(10),
            Duration.ofMillis(200),
            () -> runs.add(System.nanoTime()))) {
      r.start();
      await().atMost(Duration.ofSeconds(3)).until(() -> runs.size() >= 4);
    }
  }

  @Test
  void retryAfterRunsAgainWithoutARequest() throws Exception {
    List<Long> runs = new CopyOnWriteArrayList<>();
    SyncRunner[] self = new SyncRunner[1];
    try (SyncRunner r =
        new SyncRunner(
            "test",
            Duration.ofMillis(10),
            Duration.ofSeconds(60),
            () -> {
              runs.add(System.nanoTime());
              if (runs.size() < 3) {
                self[0].retryAfter(Duration.ofMillis(50));
              }
            })) {
      self[0] = r;
      r.start();
      await().atMost(Duration.ofSeconds(2)).until(() -> runs.size() == 3);
    }
  }
}
