package io.k8j.kubelet.logs;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * One record of a CRI log file: {@code <RFC3339Nano> <stream> <P|F> <content>}. The timestamp is
 * kept as written, so it is passed on exactly as the runtime formatted it.
 */
public record CriLogRecord(
    String timestamp, Instant time, String stream, boolean partial, byte[] content) {

  /**
   * Parses one line (without its newline), or returns null when it is not a CRI record (a line a
   * crash cut short, or a file from elsewhere).
   */
  public static CriLogRecord parse(byte[] line, int length) {
    int t = indexOf(line, 0, length);
    if (t < 0) {
      return null;
    }
    int s = indexOf(line, t + 1, length);
    if (s < 0) {
      return null;
    }
    String timestamp = new String(line, 0, t, StandardCharsets.US_ASCII);
    Instant time;
    try {
      time = Instant.parse(timestamp);
    } catch (DateTimeParseException e) {
      return null;
    }
    String stream = new String(line, t + 1, s - t - 1, StandardCharsets.US_ASCII);
    boolean partial = false;
    int content = s + 1;
    int tag = indexOf(line, s + 1, length);
    if (tag < 0) {
      tag = length;
    }
    String tagText = new String(line, s + 1, tag - s - 1, StandardCharsets.US_ASCII);
    if (tagText.equals("P") || tagText.startsWith("P:")) {
      partial = true;
      content = Math.min(length, tag + 1);
    } else if (tagText.equals("F") || tagText.startsWith("F:")) {
      content = Math.min(length, tag + 1);
    }
    byte[] c = new byte[length - content];
    System.arraycopy(line, content, c, 0, c.length);
    return new CriLogRecord(timestamp, time, stream, partial, c);
  }

  private static int indexOf(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] == ' ') {
        return i;
      }
    }
    return -1;
  }
}
