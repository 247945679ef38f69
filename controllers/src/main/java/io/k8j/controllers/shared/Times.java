package io.k8j.controllers.shared;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;

/** API timestamps (RFC 3339 strings) to and from instants. */
public final class Times {
  private Times() {}

  /** The instant, or null for a missing or empty timestamp. */
  public static Instant parse(String t) {
    if (t == null || t.isEmpty()) {
      return null;
    }
    return OffsetDateTime.parse(t).toInstant();
  }

  /** A metav1.Time: whole seconds, UTC. */
  public static String format(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
