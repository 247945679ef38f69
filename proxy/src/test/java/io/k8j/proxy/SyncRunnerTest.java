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
      await().atMost(Duration.ofSeconds(30)).until(() -> runs.size() == 1);
      long asking = System.nanoTime();
      for (int i = 0; i < 50; i++) {
        r.request();
        Thread.sleep(10);
      }
      long askedFor = System.nanoTime() - asking;
      await().atMost(Duration.ofSeconds(30)).until(() -> runs.size() >= 2);
      Thread.sleep(400);
      for (int i = 1; i < runs.size(); i++) {
        assertThat(runs.get(i) - runs.get(i - 1))
            .isGreaterThanOrEqualTo(Duration.ofMillis(290).toNanos());
      }
      // 50 requests 10 ms apart take 500 ms on a quiet machine, longer on a loaded one: at most
      // one run per 300 ms of asking, plus the first run and the one that follows the last ask
      long steps = askedFor / Duration.ofMillis(300).toNanos();
      assertThat(runs.size())
          .as("requests over %d ms in 300 ms steps", askedFor / 1_000_000)
          .isBetween(2, (int) steps + 3);
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
      await().atMost(Duration.ofSeconds(30)).until(() -> runs.size() >= 4);
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
      await().atMost(Duration.ofSeconds(30)).until(() -> runs.size() == 3);
    }
  }
}
