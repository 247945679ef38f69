package io.k8j.client.events;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.k8j.client.ApiErrors;
import io.k8j.common.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands events from recorders to one writer thread, as upstream's {@code EventBroadcaster} with
 * {@code StartRecordingToSink}: recorders never block (when 1000 events wait, new ones are dropped,
 * as upstream), the thread correlates each event and writes it, retrying up to 12 times ten seconds
 * apart while the server cannot be reached.
 */
public final class EventBroadcaster implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventBroadcaster.class);
  private static final int QUEUE_SIZE = 1000;
  private static final int MAX_TRIES = 12;
  private static final Duration RETRY_SLEEP = Duration.ofSeconds(10);

  private final EventSink sink;
  private final Clock clock;
  private final EventCorrelator correlator;
  private final BlockingQueue<Event> pending = new ArrayBlockingQueue<>(QUEUE_SIZE);
  private final Thread writer;
  private volatile boolean closed;

  public EventBroadcaster(EventSink sink, Clock clock) {
    this.sink = sink;
    this.clock = clock;
    this.correlator = new EventCorrelator(clock);
    this.writer = Thread.ofPlatform().daemon().name("event-broadcaster").start(this::writeLoop);
  }

  /** A recorder whose events name {@code component} (and {@code host}, may be null) as source. */
  public EventRecorder newRecorder(String component, String host) {
    return (object, type, reason, message) -> {
      if (closed) {
        return;
      }
      if (!pending.offer(newEvent(object, type, reason, message, component, host))) {
        LOG.debug(
            "event queue full, dropping {} {} for {}",
            type,
            reason,
            object.getMetadata().getName());
      }
    };
  }

  private Event newEvent(
      HasMetadata object,
      String type,
      String reason,
      String message,
      String component,
      String host) {
    Instant now = clock.now();
    ObjectReference ref = reference(object);
    String ns =
        ref.getNamespace() == null || ref.getNamespace().isEmpty() ? "default" : ref.getNamespace();
    String ts = EventCorrelator.timestamp(now);
    return new EventBuilder()
        .withNewMetadata()
        .withName(EventCorrelator.eventName(ref.getName(), now))
        .withNamespace(ns)
        .endMetadata()
        .withInvolvedObject(ref)
        .withReason(reason)
        .withMessage(message)
        .withFirstTimestamp(ts)
        .withLastTimestamp(ts)
        .withCount(1)
        .withType(type)
        .withNewSource(component, host)
        .withReportingComponent(component)
        .withReportingInstance(host == null ? "" : host)
        .build();
  }

  static ObjectReference reference(HasMetadata o) {
    return new ObjectReferenceBuilder()
        .withKind(o.getKind())
        .withApiVersion(o.getApiVersion())
        .withNamespace(o.getMetadata().getNamespace())
        .withName(o.getMetadata().getName())
        .withUid(o.getMetadata().getUid())
        .withResourceVersion(o.getMetadata().getResourceVersion())
        .build();
  }

  private void writeLoop() {
    try {
      while (!closed) {
        record(pending.take());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void record(Event event) throws InterruptedException {
    EventCorrelator.Result result = correlator.correlate(event);
    if (result.skip()) {
      return;
    }
    for (int tries = 1; ; tries++) {
      if (write(result.event(), result.patch())) {
        return;
      }
      if (tries >= MAX_TRIES) {
        LOG.warn("unable to write event {} (retry limit exceeded)", result.event().getReason());
        return;
      }
      clock.sleep(
          tries == 1
              ? Duration.ofNanos(
                  (long) (RETRY_SLEEP.toNanos() * ThreadLocalRandom.current().nextDouble()))
              : RETRY_SLEEP);
    }
  }

  /**
   * True when done: written, or answered with an error by the server (upstream gives up on those
   * too); false to retry, when the server could not be reached.
   */
  private boolean write(Event event, String patch) {
    try {
      Event written = null;
      if (patch != null) {
        try {
          written = sink.patch(event, patch);
        } catch (RuntimeException e) {
          if (!ApiErrors.isNotFound(e)) {
            throw e;
          }
        }
      }
      if (written == null) {
        event.getMetadata().setResourceVersion(null);
        written = sink.create(event);
      }
      correlator.updateState(written);
      return true;
    } catch (RuntimeException e) {
      if (ApiErrors.code(e) != 0) {
        if (!ApiErrors.isAlreadyExists(e)) {
          LOG.debug("server rejected event {}: {}", event.getReason(), e.getMessage());
        }
        return true;
      }
      LOG.debug("unable to write event {}: {}", event.getReason(), e.toString());
      return false;
    }
  }

  @Override
  public void close() {
    closed = true;
    writer.interrupt();
    try {
      writer.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
