package io.k8j.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.registry.validation.Quantities;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Resource lists ({@code {cpu: 100m, memory: 64Mi}}) as exact numbers, and quantities printed back
 * in upstream's canonical form ({@code 300m}, {@code 128Mi}, {@code 2}).
 */
final class ResourceLists {
  private static final String[] BINARY = {"Ei", "Pi", "Ti", "Gi", "Mi", "Ki"};
  private static final String[] DECIMAL = {"E", "P", "T", "G", "M", "k"};

  private ResourceLists() {}

  /** The quantities of a resource list; entries that are not quantities are left out. */
  static Map<String, BigDecimal> parse(JsonNode list) {
    Map<String, BigDecimal> out = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = list.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      BigDecimal v = Quantities.parse(e.getValue().asText());
      if (v != null) {
        out.put(e.getKey(), v);
      }
    }
    return out;
  }

  /** A quantity in canonical form: binary suffixes for memory-like resources. */
  static String format(String resource, BigDecimal value) {
    boolean binary =
        resource.contains("memory")
            || resource.contains("storage")
            || resource.contains("ephemeral");
    BigDecimal v = value.stripTrailingZeros();
    if (v.signum() == 0) {
      return "0";
    }
    if (v.scale() > 0) {
      for (String[] unit : new String[][] {{"m", "1e3"}, {"u", "1e6"}, {"n", "1e9"}}) {
        BigDecimal scaled = v.multiply(new BigDecimal(unit[1])).stripTrailingZeros();
        if (scaled.scale() <= 0) {
          return scaled.toBigInteger() + unit[0];
        }
      }
      return v.toPlainString();
    }
    String[] suffixes = binary ? BINARY : DECIMAL;
    for (int i = 0; i < suffixes.length; i++) {
      int power = suffixes.length - i;
      BigDecimal factor =
          binary ? BigDecimal.valueOf(2).pow(10 * power) : BigDecimal.TEN.pow(3 * power);
      BigDecimal[] qr = v.divideAndRemainder(factor);
      if (qr[1].signum() == 0 && qr[0].signum() != 0) {
        return qr[0].toBigInteger() + suffixes[i];
      }
    }
    return v.toBigInteger().toString();
  }

  /** Writes quantities as a resource list object. */
  static ObjectNode toJson(Map<String, BigDecimal> values) {
    ObjectNode o = Json.object();
    values.forEach((k, v) -> o.put(k, format(k, v)));
    return o;
  }
}
