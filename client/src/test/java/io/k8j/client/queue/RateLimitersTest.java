package io.k8j.client.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8j.common.FakeClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimitersTest {
  @Test
  void perItemBackoffDoublesFromFiveMillisToTheCapAndForgetResetsIt() {
    var l =
        new ItemExponentialFailureRateLimiter<String>(
            Duration.ofMillis(5), Duration.ofSeconds(1000));
    assertThat(l.when("a")).isEqualTo(Duration.ofMillis(5));
    assertThat(l.when("a")).isEqualTo(Duration.ofMillis(10));
    assertThat(l.when("a")).isEqualTo(Duration.ofMillis(20));
    assertThat(l.when("b")).isEqualTo(Duration.ofMillis(5));
    assertThat(l.numRequeues("a")).isEqualTo(3);
    for (int i = 0; i < 100; i++) {
      l.when("a");
    }
    assertThat(l.when("a")).isEqualTo(Duration.ofSeconds(1000));
    l.forget("a");
    assertThat(l.numRequeues("a")).isZero();
    assertThat(l.when("a")).isEqualTo(Duration.ofMillis(5));
  }

  @Test
  void bucketLetsABurstThroughThenSpacesItemsAtTheRate() {
    FakeClock clock = new FakeClock();
    var l = new BucketRateLimiter<String>(clock, 10, 100);
    for (int i = 0; i < 100; i++) {
      assertThat(l.when("k" + i)).isZero();
    }
    assertThat(l.when("x")).isEqualTo(Duration.ofMillis(100));
    assertThat(l.when("y")).isEqualTo(Duration.ofMillis(200));
    clock.advance(Duration.ofSeconds(10));
    assertThat(l.when("z")).isZero();
  }

  @Test
  void defaultControllerLimiterTakesTheLongerOfBoth() {
    FakeClock clock = new FakeClock();
    RateLimiter<String> l = RateLimiters.defaultControllerRateLimiter(clock);
    assertThat(l.when("a")).isEqualTo(Duration.ofMillis(5));
    for (int i = 0; i < 200; i++) {
      l.when("b" + i);
    }
    assertThat(l.when("a")).isGreaterThan(Duration.ofSeconds(5));
    assertThat(l.numRequeues("a")).isEqualTo(2);
  }
}
