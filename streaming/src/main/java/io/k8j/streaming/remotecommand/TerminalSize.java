package io.k8j.streaming.remotecommand;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A terminal's size as kubectl sends it on the resize channel: {@code {"Width":80,"Height":24}}.
 */
public record TerminalSize(int width, int height) {
  private static final Pattern WIDTH = Pattern.compile("\"[Ww]idth\"\\s*:\\s*(\\d+)");
  private static final Pattern HEIGHT = Pattern.compile("\"[Hh]eight\"\\s*:\\s*(\\d+)");

  /** The size in one JSON object, or null if it names none. */
  public static TerminalSize parse(String json) {
    Matcher w = WIDTH.matcher(json);
    Matcher h = HEIGHT.matcher(json);
    if (!w.find() || !h.find()) {
      return null;
    }
    return new TerminalSize(Integer.parseInt(w.group(1)), Integer.parseInt(h.group(1)));
  }

  public String json() {
    return "{\"Width\":" + width + ",\"Height\":" + height + "}";
  }
}
