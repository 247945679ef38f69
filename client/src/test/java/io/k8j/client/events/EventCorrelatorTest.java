package io.k8j.client.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.k8j.common.FakeClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class EventCorrelatorTest {
  private final FakeClock clock = new FakeClock();
  private final EventCorrelator c = new EventCorrelator(clock);

  private Event event(String object, String reason, String message) {
    String ts = EventCorrelator.timestamp(clock.now());
    return new EventBuilder()
        .withNewMetadata()
        .withName(EventCorrelator.eventName(object, clock.now()))
        .withNamespace("default")
        .endMetadata()
        .withNewInvolvedObject()
        .withKind("Pod")
        .withNamespace("default")
        .withName(object)
        .withUid("uid-" + object)
        .withApiVersion("v1")
        .endInvolvedObject()
        .withType("Warning")
        .withReason(reason)
        .withMessage(message)
        .withFirstTimestamp(ts)
        .withLastTimestamp(ts)
        .withCount(1)
        .withNewSource("kubelet", "node-1")
        .build();
  }

  private Event written(EventCorrelator.Result r, String rv) {
    Event e = r.event();
    e.getMetadata().setResourceVersion(rv);
    c.updateState(e);
    return e;
  }

  @Test
  void aRepeatedEventBecomesAPatchOfTheFirstWithCountAndLastTimestamp() {
    EventCorrelator.Result first = c.correlate(event("web", "BackOff", "Back-off restarting"));
    assertThat(first.patch()).isNull();
    Event stored = written(first, "7");
    clock.advance(Duration.ofSeconds(30));
    EventCorrelator.Result second = c.correlate(event("web", "BackOff", "Back-off restarting"));
    assertThat(second.event().getMetadata().getName()).isEqualTo(stored.getMetadata().getName());
    assertThat(second.event().getCount()).isEqualTo(2);
    assertThat(second.event().getFirstTimestamp()).isEqualTo(stored.getFirstTimestamp());
    assertThat(second.patch())
        .contains("\"count\":2")
        .contains("\"lastTimestamp\":\"2026-01-01T00:00:30Z\"");
    written(second, "8");
    clock.advance(Duration.ofSeconds(30));
    assertThat(c.correlate(event("web", "BackOff", "Back-off restarting")).event().getCount())
        .isEqualTo(3);
  }

  @Test
  void tenSimilarEventsWithDifferentMessagesAreCombined() {
    for (int i = 0; i < 9; i++) {
      EventCorrelator.Result r = c.correlate(event("web", "Failed", "error " + i));
      assertThat(r.event().getMessage()).isEqualTo("error " + i);
      written(r, "1" + i);
    }
    EventCorrelator.Result tenth = c.correlate(event("web", "Failed", "error 9"));
    assertThat(tenth.event().getMessage()).isEqualTo("(combined from similar events): error 9");
    written(tenth, "20");
    EventCorrelator.Result eleventh = c.correlate(event("web", "Failed", "error 10"));
    assertThat(eleventh.event().getMetadata().getName())
        .isEqualTo(tenth.event().getMetadata().getName());
    assertThat(eleventh.event().getCount()).isEqualTo(2);
  }

  @Test
  void theSpamFilterDropsEventsBeyondTheBurstUntilTokensRefill() {
    int passed = 0;
    for (int i = 0; i < 40; i++) {
      EventCorrelator.Result r = c.correlate(event("web", "Reason" + i, "m"));
      if (!r.skip()) {
        passed++;
        written(r, "" + i);
      }
    }
    assertThat(passed).isEqualTo(25);
    clock.advance(Duration.ofMinutes(5));
    assertThat(c.correlate(event("web", "Late", "m")).skip()).isFalse();
    assertThat(c.correlate(event("web", "Later", "m")).skip()).isTrue();
    assertThat(c.correlate(event("other", "Reason", "m")).skip()).as("per object").isFalse();
  }
}
