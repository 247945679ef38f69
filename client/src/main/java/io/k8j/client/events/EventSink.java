package io.k8j.client.events;

import io.fabric8.kubernetes.api.model.Event;

/** Where events are written: the API server, or a list in tests. */
public interface EventSink {
  /** Creates the event; returns it as stored. */
  Event create(Event event);

  /** Applies a JSON merge patch to the existing event of that namespace and name. */
  Event patch(Event existing, String mergePatch);
}
