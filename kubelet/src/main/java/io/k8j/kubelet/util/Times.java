package io.k8j.kubelet.util;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Kubernetes timestamps: RFC 3339 in UTC with second precision, as the API stores them. */
public final class Times {
  private Times() {}

  public static String format(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /** A CRI time in nanoseconds since the epoch, formatted; null for 0 (not set). */
  public static String fromNanos(long nanos) {
    if (nanos <= 0) {
      return null;
    }
    return format(Instant.ofEpochSecond(nanos / 1_000_000_000L, nanos % 1_000_000_000L));
  }

  public static Instant parse(String s) {
    return s == null || s.isEmpty() ? null : Instant.parse(s);
  }

  /** Microsecond precision (events' eventTime). */
  public static String formatMicros(Instant t) {
    return t.truncatedTo(ChronoUnit.MICROS).toString();
  }
}
