package io.k8j.scheduler.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations written as Go writes them ({@code 15s}, {@code 1m30s}, {@code 500ms}). */
final class GoDuration {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

  private GoDuration() {}

  static Duration parse(String s) {
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = PART.matcher(s);
    int pos = 0;
    double nanos = 0;
    while (m.find() && m.start() == pos) {
      double v = Double.parseDouble(m.group(1));
      nanos +=
          v
              * switch (m.group(2)) {
                case "ns" -> 1;
                case "us", "µs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
              };
      pos = m.end();
    }
    if (pos != s.length() || pos == 0) {
      throw new IllegalArgumentException("invalid duration \"" + s + "\"");
    }
    return Duration.ofNanos((long) nanos);
  }
}
