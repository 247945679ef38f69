package io.k8j.apiserver.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the samples of Prometheus text ({@code name{labels} value [timestamp-ms]}). */
final class ResourceMetricsText {
  /** One sample line. */
  record Sample(String name, Map<String, String> labels, double value, long timestampMillis) {}

  private ResourceMetricsText() {}

  static List<Sample> parse(String text) {
    List<Sample> out = new ArrayList<>();
    for (String raw : text.split("\n")) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Sample s = parseLine(line);
      if (s != null) {
        out.add(s);
      }
    }
    return out;
  }

  private static Sample parseLine(String line) {
    Map<String, String> labels = new LinkedHashMap<>();
    int brace = line.indexOf('{');
    int sp = line.indexOf(' ');
    String name;
    String rest;
    if (brace >= 0 && (sp < 0 || brace < sp)) {
      name = line.substring(0, brace);
      int i = brace + 1;
      while (i < line.length() && line.charAt(i) != '}') {
        int eq = line.indexOf('=', i);
        if (eq < 0 || eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
          return null;
        }
        String key = line.substring(i, eq).strip();
        StringBuilder v = new StringBuilder();
        int j = eq + 2;
        while (j < line.length() && line.charAt(j) != '"') {
          char c = line.charAt(j);
          if (c == '\\' && j + 1 < line.length()) {
            char n = line.charAt(++j);
            v.append(n == 'n' ? '\n' : n);
          } else {
            v.append(c);
          }
          j++;
        }
        labels.put(key, v.toString());
        i = j + 1;
        if (i < line.length() && line.charAt(i) == ',') {
          i++;
        }
      }
      rest = i + 1 <= line.length() ? line.substring(i + 1).strip() : "";
    } else {
      if (sp < 0) {
        return null;
      }
      name = line.substring(0, sp);
      rest = line.substring(sp + 1).strip();
    }
    String[] f = rest.split("\\s+");
    try {
      double value = Double.parseDouble(f[0]);
      long ts = f.length > 1 ? Long.parseLong(f[1]) : 0;
      return new Sample(name, labels, value, ts);
    } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
      return null;
    }
  }
}
