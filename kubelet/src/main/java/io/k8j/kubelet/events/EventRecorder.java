package io.k8j.kubelet.events;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** Records events about an object; never blocks and never fails the caller. */
public interface EventRecorder {
  String NORMAL = "Normal";
  String WARNING = "Warning";

  /**
   * @param fieldPath the part of the object, e.g. {@code spec.containers{app}}; null for the whole
   */
  void event(HasMetadata object, String fieldPath, String type, String reason, String message);

  default void normal(HasMetadata object, String fieldPath, String reason, String message) {
    event(object, fieldPath, NORMAL, reason, message);
  }

  default void warning(HasMetadata object, String fieldPath, String reason, String message) {
    event(object, fieldPath, WARNING, reason, message);
  }

  EventRecorder NONE = (o, f, t, r, m) -> {};
}
