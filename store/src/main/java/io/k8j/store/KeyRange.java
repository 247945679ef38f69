package io.k8j.store;

import java.util.Objects;

/**
 * The keys a range or a watch covers: {@code [start, end)} in string order, or one key when end is
 * null.
 */
public record KeyRange(String start, String end) {
  public KeyRange {
    Objects.requireNonNull(start, "start");
  }

  /** Exactly one key. */
  public static KeyRange key(String key) {
    return new KeyRange(key, null);
  }

  /** Every key that starts with {@code prefix}. */
  public static KeyRange prefix(String prefix) {
    return new KeyRange(prefix, prefixEnd(prefix));
  }

  public boolean isSingleKey() {
    return end == null;
  }

  public boolean contains(String key) {
    if (end == null) {
      return start.equals(key);
    }
    return key.compareTo(start) >= 0 && key.compareTo(end) < 0;
  }

  /** The same range, starting at {@code from} instead (for continuing a paged range). */
  public KeyRange from(String from) {
    if (end == null) {
      throw new IllegalStateException("a single-key range cannot be continued");
    }
    return new KeyRange(from, end);
  }

  /** The smallest string greater than every string with this prefix. */
  static String prefixEnd(String prefix) {
    if (prefix.isEmpty()) {
      throw new IllegalArgumentException("prefix must not be empty");
    }
    StringBuilder sb = new StringBuilder(prefix);
    for (int i = sb.length() - 1; i >= 0; i--) {
      char c = sb.charAt(i);
      if (c < Character.MAX_VALUE) {
        sb.setCharAt(i, (char) (c + 1));
        sb.setLength(i + 1);
        return sb.toString();
      }
    }
    throw new IllegalArgumentException("prefix has no end: " + prefix);
  }
}
