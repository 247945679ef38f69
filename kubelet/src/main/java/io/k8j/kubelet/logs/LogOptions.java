package io.k8j.kubelet.logs;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.function.Function;

/**
 * What a reader of a container log asks for (upstream's {@code PodLogOptions} as the kubelet reads
 * them): follow, the last {@code tailLines} lines (-1 for all), records at or after {@code since}
 * (null for all), a timestamp before each line, and at most {@code limitBytes} (-1 for no limit).
 */
public record LogOptions(
    boolean follow,
    boolean previous,
    long tailLines,
    Instant since,
    boolean timestamps,
    long limitBytes) {

  public static final LogOptions ALL = new LogOptions(false, false, -1, null, false, -1);

  /**
   * Reads the options from query parameters ({@code follow}, {@code previous}, {@code tailLines},
   * {@code sinceSeconds}, {@code sinceTime}, {@code timestamps}, {@code limitBytes}).
   *
   * @throws IllegalArgumentException naming the parameter that is not valid
   */
  public static LogOptions fromQuery(Function<String, String> query, Instant now) {
    long tail = number(query, "tailLines", -1);
    long limit = number(query, "limitBytes", -1);
    if (tail < -1 || query.apply("tailLines") != null && tail < 0) {
      throw new IllegalArgumentException("tailLines: Invalid value: " + tail + ": must be >= 0");
    }
    if (query.apply("limitBytes") != null && limit < 1) {
      throw new IllegalArgumentException("limitBytes: Invalid value: " + limit + ": must be > 0");
    }
    Instant since = null;
    String sinceTime = query.apply("sinceTime");
    if (query.apply("sinceSeconds") != null) {
      if (sinceTime != null) {
        throw new IllegalArgumentException(
            "sinceSeconds: Invalid value: at most one of `sinceTime` or `sinceSeconds` may be specified");
      }
      long s = number(query, "sinceSeconds", 0);
      if (s < 1) {
        throw new IllegalArgumentException("sinceSeconds: Invalid value: " + s + ": must be > 0");
      }
      since = now.minus(Duration.ofSeconds(s));
    } else if (sinceTime != null) {
      try {
        since = java.time.OffsetDateTime.parse(sinceTime).toInstant();
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "sinceTime: Invalid value: \"" + sinceTime + "\": not an RFC 3339 time");
      }
    }
    return new LogOptions(
        flag(query, "follow"),
        flag(query, "previous"),
        tail,
        since,
        flag(query, "timestamps"),
        limit);
  }

  private static boolean flag(Function<String, String> query, String name) {
    String v = query.apply(name);
    return v != null && (v.equals("true") || v.equals("1"));
  }

  private static long number(Function<String, String> query, String name, long absent) {
    String v = query.apply(name);
    if (v == null || v.isEmpty()) {
      return absent;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ": Invalid value: \"" + v + "\": not a number");
    }
  }
}
