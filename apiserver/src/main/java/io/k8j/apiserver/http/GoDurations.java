package io.k8j.apiserver.http;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Go duration strings as clients send them in {@code ?timeout=}: {@code 30s}, {@code 1m30s}, {@code
 * 500ms}.
 */
public final class GoDurations {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

  private GoDurations() {}

  /** The duration, or null when absent or not a Go duration. */
  public static Duration parse(String s) {
    if (s == null || s.isEmpty()) {
      return null;
    }
    Matcher m = PART.matcher(s);
    long millis = 0;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        return null;
      }
      end = m.end();
      double v = Double.parseDouble(m.group(1));
      millis +=
          (long)
              switch (m.group(2)) {
                case "ms" -> v;
                case "s" -> v * 1000;
                case "m" -> v * 60_000;
                default -> v * 3_600_000;
              };
    }
    return end == s.length() && end > 0 ? Duration.ofMillis(millis) : null;
  }
}
