package io.k8j.client.fake;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.k8j.client.events.EventRecorder;
import java.util.ArrayList;
import java.util.List;

/** Keeps events as {@code "Type Reason Message"} strings, as upstream's {@code FakeRecorder}. */
public final class RecordingEventRecorder implements EventRecorder {
  private final List<String> events = new ArrayList<>();

  @Override
  public synchronized void event(HasMetadata object, String type, String reason, String message) {
    events.add(type + " " + reason + " " + message);
  }

  public synchronized List<String> events() {
    return List.copyOf(events);
  }

  /** The reasons recorded, in order. */
  public synchronized List<String> reasons() {
    return events.stream().map(e -> e.split(" ", 3)[1]).toList();
  }

  public synchronized void clear() {
    events.clear();
  }
}
