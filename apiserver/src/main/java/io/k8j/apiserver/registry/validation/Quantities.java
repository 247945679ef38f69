package io.k8j.apiserver.registry.validation;

import java.math.BigDecimal;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Kubernetes resource quantities ({@code 100m}, {@code 1Gi}, {@code 1e3}) as exact numbers. */
public final class Quantities {
  private static final Pattern FORM =
      Pattern.compile("^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$");
  private static final Map<String, BigDecimal> SUFFIXES =
      Map.ofEntries(
          Map.entry("", BigDecimal.ONE),
          Map.entry("n", new BigDecimal("1e-9")),
          Map.entry("u", new BigDecimal("1e-6")),
          Map.entry("m", new BigDecimal("1e-3")),
          Map.entry("k", new BigDecimal("1e3")),
          Map.entry("M", new BigDecimal("1e6")),
          Map.entry("G", new BigDecimal("1e9")),
          Map.entry("T", new BigDecimal("1e12")),
          Map.entry("P", new BigDecimal("1e15")),
          Map.entry("E", new BigDecimal("1e18")),
          Map.entry("Ki", BigDecimal.valueOf(1L << 10)),
          Map.entry("Mi", BigDecimal.valueOf(1L << 20)),
          Map.entry("Gi", BigDecimal.valueOf(1L << 30)),
          Map.entry("Ti", BigDecimal.valueOf(1L << 40)),
          Map.entry("Pi", BigDecimal.valueOf(1L << 50)),
          Map.entry("Ei", BigDecimal.valueOf(1L << 60)));

  private Quantities() {}

  /** The value of a quantity, or null when it is not one. */
  public static BigDecimal parse(String s) {
    Matcher m = FORM.matcher(s == null ? "" : s.trim());
    if (!m.matches()) {
      return null;
    }
    try {
      BigDecimal number = new BigDecimal(m.group(1));
      String suffix = m.group(2);
      if (suffix.startsWith("e") || suffix.startsWith("E")) {
        return number.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1)));
      }
      BigDecimal factor = SUFFIXES.get(suffix);
      return factor == null ? null : number.multiply(factor);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
