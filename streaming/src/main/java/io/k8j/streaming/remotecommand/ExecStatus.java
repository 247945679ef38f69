package io.k8j.streaming.remotecommand;

import java.util.List;

/**
 * The {@code Status} an exec session ends with on its error channel (protocol v4 and later), which
 * kubectl turns into its own exit code ({@code command terminated with exit code 3}).
 */
public final class ExecStatus {
  private ExecStatus() {}

  public static String success() {
    return "{\"metadata\":{},\"status\":\"Success\"}";
  }

  public static String exitCode(List<String> command, int code) {
    String msg =
        "command terminated with non-zero exit code: error executing command "
            + command
            + ", exit code "
            + code;
    return "{\"metadata\":{},\"status\":\"Failure\",\"message\":"
        + quote(msg)
        + ",\"reason\":\"NonZeroExitCode\",\"details\":{\"causes\":[{\"reason\":\"ExitCode\",\"message\":\""
        + code
        + "\"}]}}";
  }

  public static String failure(String message) {
    return "{\"metadata\":{},\"status\":\"Failure\",\"message\":"
        + quote(message)
        + ",\"reason\":\"InternalError\",\"details\":{\"causes\":[{\"message\":"
        + quote(message)
        + "}]},\"code\":500}";
  }

  /** The exit code in a v4 error-channel Status; 0 for an empty or Success one, -1 for others. */
  public static int parseExitCode(String status) {
    if (status.isBlank() || status.contains("\"Success\"")) {
      return 0;
    }
    var m =
        java.util.regex.Pattern.compile(
                "\"reason\"\\s*:\\s*\"ExitCode\"\\s*,\\s*\"message\"\\s*:\\s*\"(\\d+)\"")
            .matcher(status);
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  /** The {@code message} of a Status, or the text itself. */
  public static String message(String status) {
    var m =
        java.util.regex.Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"")
            .matcher(status);
    return m.find() ? m.group(1).replace("\\\"", "\"").replace("\\\\", "\\") : status.strip();
  }

  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
