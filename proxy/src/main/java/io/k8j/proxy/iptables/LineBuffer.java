package io.k8j.proxy.iptables;

import java.util.List;

/**
 * Lines of {@code iptables-restore} input. Arguments are joined with spaces; an argument with a
 * space (a comment) is written in double quotes, as upstream writes it.
 */
final class LineBuffer {
  private final StringBuilder text = new StringBuilder();
  private final boolean discard;
  private int lines;

  private LineBuffer(boolean discard) {
    this.discard = discard;
  }

  static LineBuffer create() {
    return new LineBuffer(false);
  }

  /** A buffer that only counts: for the chains of unchanged Services in a partial sync. */
  static LineBuffer discarding() {
    return new LineBuffer(true);
  }

  /** Writes one line of the arguments; an argument may be a {@code List<String>} of them. */
  void write(Object... args) {
    lines++;
    if (discard) {
      return;
    }
    boolean first = true;
    for (Object a : args) {
      if (a instanceof List<?> list) {
        for (Object o : list) {
          first = append(o.toString(), first);
        }
      } else {
        first = append(a.toString(), first);
      }
    }
    text.append('\n');
  }

  private boolean append(String arg, boolean first) {
    if (!first) {
      text.append(' ');
    }
    if (arg.indexOf(' ') >= 0) {
      text.append('"').append(arg).append('"');
    } else {
      text.append(arg);
    }
    return false;
  }

  int lines() {
    return lines;
  }

  @Override
  public String toString() {
    return text.toString();
  }
}
