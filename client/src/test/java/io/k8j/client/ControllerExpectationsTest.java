package io.k8j.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8j.common.FakeClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ControllerExpectationsTest {
  private final FakeClock clock = new FakeClock();

  @Test
  void satisfiedOnlyOnceEveryExpectedCreationIsObserved() {
    ControllerExpectations e = new ControllerExpectations(clock);
    assertThat(e.satisfied("ns/rs")).as("nothing expected yet").isTrue();
    e.expectCreations("ns/rs", 3);
    assertThat(e.satisfied("ns/rs")).isFalse();
    e.creationObserved("ns/rs");
    e.creationObserved("ns/rs");
    assertThat(e.satisfied("ns/rs")).isFalse();
    e.creationObserved("ns/rs");
    assertThat(e.satisfied("ns/rs")).isTrue();
  }

  @Test
  void expectationsNotMetExpireAfterFiveMinutes() {
    ControllerExpectations e = new ControllerExpectations(clock);
    e.expectDeletions("ns/rs", 2);
    clock.advance(Duration.ofMinutes(4));
    assertThat(e.satisfied("ns/rs")).isFalse();
    clock.advance(Duration.ofMinutes(2));
    assertThat(e.satisfied("ns/rs")).isTrue();
  }

  @Test
  void uidTrackingCountsEachDeletedPodOnce() {
    UidTrackingExpectations e = new UidTrackingExpectations(clock);
    e.expectDeletions("ns/rs", List.of("ns/p1", "ns/p2"));
    e.deletionObserved("ns/rs", "ns/p1");
    e.deletionObserved("ns/rs", "ns/p1");
    e.deletionObserved("ns/rs", "ns/other");
    assertThat(e.satisfied("ns/rs")).isFalse();
    assertThat(e.deletionsPending("ns/rs")).containsExactly("ns/p2");
    e.deletionObserved("ns/rs", "ns/p2");
    assertThat(e.satisfied("ns/rs")).isTrue();
  }
}
