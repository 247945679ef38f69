package io.k8j.streaming;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The status line and headers of an HTTP/1.1 response, read byte by byte up to the empty line so
 * that what follows (the upgraded protocol) stays in the stream.
 */
public record HttpHead(int status, String statusLine, Map<String, String> headers) {
  private static final int MAX_HEAD = 64 * 1024;

  public static HttpHead read(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int state = 0;
    while (state < 4) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("the server closed the connection");
      }
      head.write(c);
      if (c == '\r' && (state == 0 || state == 2)) {
        state++;
      } else if (c == '\n' && (state == 1 || state == 3)) {
        state++;
      } else {
        state = c == '\r' ? 1 : 0;
      }
      if (head.size() > MAX_HEAD) {
        throw new IOException("response head too long");
      }
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    String first = text.lines().findFirst().orElse("");
    String[] parts = first.split(" ");
    int status;
    try {
      status = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
    } catch (NumberFormatException e) {
      status = 0;
    }
    Map<String, String> headers = new LinkedHashMap<>();
    text.lines()
        .skip(1)
        .forEach(
            l -> {
              int i = l.indexOf(':');
              if (i > 0) {
                headers.putIfAbsent(
                    l.substring(0, i).strip().toLowerCase(Locale.ROOT), l.substring(i + 1).strip());
              }
            });
    return new HttpHead(status, first, headers);
  }

  /** A header by its name in any case, or null. */
  public String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }
}
