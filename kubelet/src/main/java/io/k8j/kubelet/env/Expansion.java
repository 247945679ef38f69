package io.k8j.kubelet.env;

import java.util.function.Function;

/**
 * Upstream's {@code $(VAR)} expansion: a reference to a defined variable is replaced by its value,
 * an undefined one is left as written, {@code $$} is an escaped {@code $}.
 */
public final class Expansion {
  private Expansion() {}

  public static String expand(String input, Function<String, String> mapping) {
    StringBuilder out = new StringBuilder(input.length());
    int i = 0;
    while (i < input.length()) {
      char ch = input.charAt(i);
      if (ch == '$' && i + 1 < input.length()) {
        char next = input.charAt(i + 1);
        if (next == '$') {
          out.append('$');
          i += 2;
          continue;
        }
        if (next == '(') {
          int close = input.indexOf(')', i + 2);
          if (close > 0) {
            String name = input.substring(i + 2, close);
            String value = mapping.apply(name);
            out.append(value != null ? value : "$(" + name + ")");
            i = close + 1;
            continue;
          }
        }
      }
      out.append(ch);
      i++;
    }
    return out.toString();
  }
}
