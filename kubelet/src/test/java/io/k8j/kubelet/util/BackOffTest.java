package io.k8j.kubelet.util;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8j.common.FakeClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BackOffTest {
  final FakeClock clock = new FakeClock();
  final BackOff b = new BackOff(clock, Duration.ofSeconds(10), Duration.ofMinutes(5));

  @Test
  void delaysDoubleFromTenSecondsToFiveMinutes() {
    Duration[] expected = {
      Duration.ofSeconds(10),
      Duration.ofSeconds(20),
      Duration.ofSeconds(40),
      Duration.ofSeconds(80),
      Duration.ofSeconds(160),
      Duration.ofMinutes(5),
      Duration.ofMinutes(5)
    };
    for (Duration d : expected) {
      b.next("c", clock.now());
      assertThat(b.get("c")).isEqualTo(d);
      clock.advance(d);
    }
  }

  @Test
  void aContainerIsInBackOffUntilTheDelayAfterItExitedPassed() {
    Instant exited = clock.now();
    assertThat(b.isInBackOffSince("c", exited)).isFalse();
    b.next("c", exited);
    clock.advance(Duration.ofSeconds(9));
    assertThat(b.isInBackOffSince("c", exited)).isTrue();
    clock.advance(Duration.ofSeconds(1));
    assertThat(b.isInBackOffSince("c", exited)).isFalse();
    assertThat(b.endSince("c", exited)).isEqualTo(exited.plusSeconds(10));
  }

  @Test
  void startsOverAfterTenMinutesWithoutFailure() {
    b.next("c", clock.now());
    b.next("c", clock.now());
    assertThat(b.get("c")).isEqualTo(Duration.ofSeconds(20));
    clock.advance(Duration.ofMinutes(10).plusSeconds(1));
    b.next("c", clock.now());
    assertThat(b.get("c")).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void pullBackOffCountsFromTheLastFailure() {
    b.next("img", clock.now());
    assertThat(b.isInBackOffSinceUpdate("img")).isTrue();
    clock.advance(Duration.ofSeconds(10));
    assertThat(b.isInBackOffSinceUpdate("img")).isFalse();
  }
}
