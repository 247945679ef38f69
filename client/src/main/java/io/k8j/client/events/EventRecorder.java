package io.k8j.client.events;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** Records events about objects, as upstream's {@code record.EventRecorder}. Never blocks. */
public interface EventRecorder {
  String NORMAL = "Normal";
  String WARNING = "Warning";

  /**
   * Records that {@code reason} happened to {@code object}.
   *
   * @param type {@link #NORMAL} or {@link #WARNING}
   * @param reason a short UpperCamelCase word, e.g. {@code SuccessfulCreate}
   */
  void event(HasMetadata object, String type, String reason, String message);

  default void eventf(
      HasMetadata object, String type, String reason, String format, Object... args) {
    event(object, type, reason, String.format(format, args));
  }
}
