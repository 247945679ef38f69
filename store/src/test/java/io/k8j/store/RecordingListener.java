package io.k8j.store;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link WatchListener} that records what it receives and notes every breach of the listener
 * contract: overlapping calls, events out of revision order, a revision split across batches, calls
 * after {@link #onError}.
 */
public final class RecordingListener implements WatchListener {
  private final List<WatchEvent> events = new CopyOnWriteArrayList<>();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final AtomicReference<StoreException> error = new AtomicReference<>();
  private final AtomicBoolean inCall = new AtomicBoolean();
  private volatile Revision lastRevision = Revision.ZERO;

  @Override
  public void onEvents(List<WatchEvent> batch) {
    enter();
    try {
      if (error.get() != null) {
        violations.add("events after onError: " + batch);
      }
      if (batch.isEmpty()) {
        violations.add("an empty batch");
      } else if (!batch.getFirst().revision().isAfter(lastRevision)) {
        violations.add(
            "batch starts at " + batch.getFirst().revision() + " after revision " + lastRevision);
      }
      Revision previous = Revision.ZERO;
      for (WatchEvent e : batch) {
        if (e.revision().isBefore(previous)) {
          violations.add("event " + e.revision() + " after " + previous + " in one batch");
        }
        previous = e.revision();
      }
      if (!batch.isEmpty()) {
        lastRevision = batch.getLast().revision();
      }
      events.addAll(batch);
    } finally {
      inCall.set(false);
    }
  }

  @Override
  public void onError(StoreException e) {
    enter();
    try {
      if (!error.compareAndSet(null, e)) {
        violations.add("onError called twice: " + e);
      }
    } finally {
      inCall.set(false);
    }
  }

  private void enter() {
    if (!inCall.compareAndSet(false, true)) {
      violations.add("two calls at once");
    }
  }

  /** A snapshot of every event received so far. */
  public List<WatchEvent> events() {
    return List.copyOf(events);
  }

  /** The revisions of the events received so far. */
  public List<Long> revisions() {
    List<Long> out = new ArrayList<>();
    for (WatchEvent e : events) {
      out.add(e.revision().value());
    }
    return out;
  }

  /** The error the watch ended with, or null. */
  public StoreException error() {
    return error.get();
  }

  /** Breaches of the {@link WatchListener} contract seen so far. */
  public List<String> violations() {
    return List.copyOf(violations);
  }

  /** Waits until at least {@code n} events have arrived and returns them. */
  public List<WatchEvent> awaitEvents(int n) {
    await("" + n + " events").atMost(Duration.ofSeconds(60)).until(() -> events.size() >= n);
    return events();
  }

  /** Waits until an event at or after {@code revision} has arrived and returns all events. */
  public List<WatchEvent> awaitRevision(Revision revision) {
    await("an event at revision " + revision)
        .atMost(Duration.ofSeconds(60))
        .until(() -> !lastRevision.isBefore(revision));
    return events();
  }

  /** Waits until the watch has ended with an error and returns it. */
  public StoreException awaitError() {
    await("onError").atMost(Duration.ofSeconds(60)).until(() -> error.get() != null);
    return error.get();
  }
}
