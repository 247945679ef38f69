package io.k8j.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Figures of several subjects side by side, with the ratio of the first subject to each other one
 * and whether it is better, given whether higher is better for that figure.
 */
public final class FigureTable {
  private record Row(String figure, String unit, boolean higherIsBetter) {}

  private final List<String> subjects;
  private final List<Row> rows = new ArrayList<>();
  private final Map<String, Map<String, Double>> values = new LinkedHashMap<>();

  public FigureTable(List<String> subjects) {
    this.subjects = List.copyOf(subjects);
  }

  public void define(String figure, String unit, boolean higherIsBetter) {
    rows.add(new Row(figure, unit, higherIsBetter));
  }

  public void put(String subject, String figure, double value) {
    values.computeIfAbsent(figure, f -> new LinkedHashMap<>()).put(subject, value);
  }

  public void print(PrintStream out) {
    StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-34s", "figure"));
    for (String s : subjects) {
      header.append(String.format(Locale.ROOT, "%14s", s));
    }
    String first = subjects.getFirst();
    for (String s : subjects.subList(1, subjects.size())) {
      header.append(String.format(Locale.ROOT, "%16s", first + "/" + s));
    }
    out.println(header);
    for (Row row : rows) {
      Map<String, Double> v = values.getOrDefault(row.figure, Map.of());
      StringBuilder line =
          new StringBuilder(
              String.format(Locale.ROOT, "%-34s", row.figure + " (" + row.unit + ")"));
      for (String s : subjects) {
        line.append(String.format(Locale.ROOT, "%14.2f", v.getOrDefault(s, Double.NaN)));
      }
      double a = v.getOrDefault(first, Double.NaN);
      for (String s : subjects.subList(1, subjects.size())) {
        double b = v.getOrDefault(s, Double.NaN);
        double ratio = a / b;
        boolean better = row.higherIsBetter ? ratio >= 1 : ratio <= 1;
        line.append(
            String.format(
                Locale.ROOT,
                "%10.2f %-5s",
                ratio,
                Double.isNaN(ratio) ? "" : better ? "ok" : "WORSE"));
      }
      out.println(line);
    }
  }
}
