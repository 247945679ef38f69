package io.k8j.client.events;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.EventSource;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.k8j.client.DeepCopy;
import io.k8j.common.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Upstream's {@code EventCorrelator}, which keeps a crash loop from flooding the store:
 *
 * <ul>
 *   <li><b>dedup</b>: an event equal to one seen before (source, object, type, reason, message)
 *       becomes a patch of that event: count+1, lastTimestamp now;
 *   <li><b>aggregation</b>: once {@value #MAX_SIMILAR} events of one object and reason with
 *       different messages come within ten minutes, the rest are folded into one event whose
 *       message starts "(combined from similar events): ";
 *   <li><b>spam filter</b>: each source and object gets a token bucket of {@value #SPAM_BURST}
 *       events refilled by one every five minutes; events beyond it are dropped.
 * </ul>
 *
 * Not thread-safe: one writer thread uses it.
 */
public final class EventCorrelator {
  static final int MAX_SIMILAR = 10;
  static final Duration AGGREGATE_INTERVAL = Duration.ofMinutes(10);
  static final int SPAM_BURST = 25;
  static final Duration SPAM_REFILL = Duration.ofMinutes(5);
  private static final int CACHE_SIZE = 4096;

  /**
   * What to write: nothing ({@code skip}), a new event, or a patch of an existing one ({@code
   * patch} not null, {@code event.count > 1}).
   */
  public record Result(Event event, String patch, boolean skip) {}

  private record Observation(
      int count, String firstTimestamp, String name, String resourceVersion) {}

  private static final class Aggregate {
    final Set<String> messages = new HashSet<>();
    Instant last = Instant.EPOCH;
  }

  private static final class Bucket {
    double tokens = SPAM_BURST;
    long last;
  }

  private final Clock clock;
  private final Map<String, Aggregate> aggregates = lru();
  private final Map<String, Observation> observations = lru();
  private final Map<String, Bucket> spam = lru();

  public EventCorrelator(Clock clock) {
    this.clock = clock;
  }

  private static <V> Map<String, V> lru() {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > CACHE_SIZE;
      }
    };
  }

  public Result correlate(Event newEvent) {
    Event event = DeepCopy.of(newEvent);
    String key = aggregate(event);
    Event aggregated = key == null ? event : aggregatedEvent(event);
    if (key == null) {
      key = eventKey(event);
    }
    String patch = observe(aggregated, key);
    if (!allowedBySpamFilter(aggregated)) {
      return new Result(null, null, true);
    }
    return new Result(aggregated, patch, false);
  }

  /** Null when the event stands alone, else the key of the aggregate it is folded into. */
  private String aggregate(Event event) {
    Instant now = clock.now();
    String aggregateKey = aggregateKey(event);
    Aggregate record = aggregates.get(aggregateKey);
    if (record == null || Duration.between(record.last, now).compareTo(AGGREGATE_INTERVAL) > 0) {
      record = new Aggregate();
      aggregates.put(aggregateKey, record);
    }
    record.messages.add(event.getMessage());
    record.last = now;
    if (record.messages.size() < MAX_SIMILAR) {
      return null;
    }
    record.messages.remove(record.messages.iterator().next());
    return aggregateKey;
  }

  private Event aggregatedEvent(Event event) {
    String now = timestamp(clock.now());
    return new EventBuilder()
        .withNewMetadata()
        .withName(eventName(event.getInvolvedObject().getName(), clock.now()))
        .withNamespace(event.getMetadata().getNamespace())
        .endMetadata()
        .withCount(1)
        .withFirstTimestamp(now)
        .withLastTimestamp(now)
        .withInvolvedObject(event.getInvolvedObject())
        .withMessage("(combined from similar events): " + event.getMessage())
        .withType(event.getType())
        .withReason(event.getReason())
        .withSource(event.getSource())
        .withReportingComponent(event.getReportingComponent())
        .withReportingInstance(event.getReportingInstance())
        .build();
  }

  private String observe(Event event, String key) {
    String patch = null;
    Observation last = observations.get(key);
    if (last != null && last.count > 0) {
      event.getMetadata().setName(last.name);
      event.getMetadata().setResourceVersion(last.resourceVersion);
      event.setFirstTimestamp(last.firstTimestamp);
      event.setCount(last.count + 1);
      patch =
          "{\"count\":"
              + event.getCount()
              + ",\"lastTimestamp\":\""
              + event.getLastTimestamp()
              + "\",\"message\":"
              + DeepCopy.serialization().asJson(event.getMessage())
              + "}";
    }
    observations.put(
        key,
        new Observation(
            count(event),
            event.getFirstTimestamp(),
            event.getMetadata().getName(),
            event.getMetadata().getResourceVersion()));
    return patch;
  }

  /** Remembers the event as written (its name and resourceVersion), for the next repeat. */
  public void updateState(Event written) {
    observations.put(
        eventKey(written),
        new Observation(
            count(written),
            written.getFirstTimestamp(),
            written.getMetadata().getName(),
            written.getMetadata().getResourceVersion()));
  }

  private boolean allowedBySpamFilter(Event event) {
    long now = clock.nanoTime();
    Bucket b = spam.computeIfAbsent(spamKey(event), k -> newBucket(now));
    b.tokens = Math.min(SPAM_BURST, b.tokens + (double) (now - b.last) / SPAM_REFILL.toNanos());
    b.last = now;
    if (b.tokens < 1) {
      return false;
    }
    b.tokens -= 1;
    return true;
  }

  private static Bucket newBucket(long now) {
    Bucket b = new Bucket();
    b.last = now;
    return b;
  }

  private static int count(Event e) {
    return e.getCount() == null ? 1 : e.getCount();
  }

  private static String eventKey(Event e) {
    return String.join(
        "\u0000",
        source(e),
        object(e.getInvolvedObject()),
        s(e.getInvolvedObject().getFieldPath()),
        s(e.getType()),
        s(e.getReason()),
        s(e.getMessage()));
  }

  private static String aggregateKey(Event e) {
    return String.join(
        "\u0000",
        source(e),
        object(e.getInvolvedObject()),
        s(e.getType()),
        s(e.getReason()),
        s(e.getReportingComponent()),
        s(e.getReportingInstance()));
  }

  private static String spamKey(Event e) {
    return source(e) + "\u0000" + object(e.getInvolvedObject());
  }

  private static String source(Event e) {
    EventSource src = e.getSource();
    return src == null ? "\u0000" : s(src.getComponent()) + "\u0000" + s(src.getHost());
  }

  private static String object(ObjectReference ref) {
    return String.join(
        "\u0000",
        s(ref.getKind()),
        s(ref.getNamespace()),
        s(ref.getName()),
        s(ref.getUid()),
        s(ref.getApiVersion()));
  }

  private static String s(String v) {
    return Objects.requireNonNullElse(v, "");
  }

  /** An event's name: the object's name and the time in hex nanoseconds, as upstream. */
  static String eventName(String objectName, Instant t) {
    long nanos = t.getEpochSecond() * 1_000_000_000L + t.getNano();
    return objectName + "." + Long.toHexString(nanos);
  }

  static String timestamp(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
