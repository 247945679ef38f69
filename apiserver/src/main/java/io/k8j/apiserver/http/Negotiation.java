package io.k8j.apiserver.http;

import java.util.HashMap;
import java.util.Map;

/**
 * Content negotiation over the Accept header. Only JSON-based forms and YAML are served; anything
 * else (protobuf, CBOR) falls back to JSON, so a client never gets 406.
 */
public final class Negotiation {
  /** How to write a response. */
  public enum Format {
    JSON,
    YAML,
    TABLE,
    PARTIAL_METADATA,
    DISCOVERY_V2
  }

  /**
   * The chosen form.
   *
   * @param version for TABLE and PARTIAL_METADATA the meta.k8s.io version, for DISCOVERY_V2 the
   *     apidiscovery.k8s.io version
   */
  public record Choice(Format format, String version) {
    public static final Choice JSON = new Choice(Format.JSON, "");
  }

  private Negotiation() {}

  public static Choice choose(String accept) {
    if (accept == null || accept.isBlank()) {
      return Choice.JSON;
    }
    for (String clause : accept.split(",")) {
      String[] parts = clause.trim().split(";");
      String type = parts[0].trim().toLowerCase();
      Map<String, String> params = new HashMap<>();
      for (int i = 1; i < parts.length; i++) {
        String[] kv = parts[i].trim().split("=", 2);
        if (kv.length == 2) {
          params.put(kv[0].trim().toLowerCase(), kv[1].trim());
        }
      }
      String as = params.getOrDefault("as", "");
      String g = params.getOrDefault("g", "");
      String v = params.getOrDefault("v", "");
      if (type.equals("application/json")) {
        if (as.isEmpty()) {
          return Choice.JSON;
        }
        if (g.equals("meta.k8s.io") && (v.equals("v1") || v.equals("v1beta1"))) {
          if (as.equals("Table")) {
            return new Choice(Format.TABLE, v);
          }
          if (as.equals("PartialObjectMetadata") || as.equals("PartialObjectMetadataList")) {
            return new Choice(Format.PARTIAL_METADATA, v);
          }
        }
        if (g.equals("apidiscovery.k8s.io")
            && as.equals("APIGroupDiscoveryList")
            && (v.equals("v2") || v.equals("v2beta1"))) {
          return new Choice(Format.DISCOVERY_V2, v);
        }
        continue;
      }
      if (type.equals("application/yaml") && as.isEmpty()) {
        return new Choice(Format.YAML, "");
      }
      if (type.equals("*/*") || type.equals("application/*")) {
        return Choice.JSON;
      }
    }
    return Choice.JSON;
  }
}
