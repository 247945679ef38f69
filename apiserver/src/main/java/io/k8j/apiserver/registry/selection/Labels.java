package io.k8j.apiserver.registry.selection;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;

/** Reads the labels of an unstructured object. */
public final class Labels {
  private Labels() {}

  public static Map<String, String> of(JsonNode obj) {
    return map(obj.path("metadata").path("labels"));
  }

  /** A JSON object of strings as a map; anything else as an empty map. */
  public static Map<String, String> map(JsonNode node) {
    Map<String, String> m = new HashMap<>();
    if (node.isObject()) {
      node.properties().forEach(e -> m.put(e.getKey(), e.getValue().asText()));
    }
    return m;
  }
}
