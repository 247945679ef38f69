package io.k8j.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Small readers of unstructured objects for Table cells, printing as kubectl's printers do. */
public final class Cells {
  private Cells() {}

  /** The text at a dotted path, or {@code <none>}. */
  public static String textOrNone(JsonNode obj, String path) {
    JsonNode n = obj;
    for (String p : path.split("\\.")) {
      n = n.path(p);
    }
    return n.isValueNode() && !n.asText().isEmpty() ? n.asText() : "<none>";
  }

  /** The integer at a dotted path, or 0. */
  public static long number(JsonNode obj, String path) {
    JsonNode n = obj;
    for (String p : path.split("\\.")) {
      n = n.path(p);
    }
    return n.asLong(0);
  }

  /** A label selector map as {@code a=b,c=d}, or {@code <none>}. */
  public static String selector(JsonNode map) {
    if (!map.isObject() || map.isEmpty()) {
      return "<none>";
    }
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : map.properties()) {
      parts.add(e.getKey() + "=" + e.getValue().asText());
    }
    return String.join(",", parts);
  }

  /** A metav1.LabelSelector as kubectl prints it. */
  public static String labelSelector(JsonNode sel) {
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : sel.path("matchLabels").properties()) {
      parts.add(e.getKey() + "=" + e.getValue().asText());
    }
    for (JsonNode r : sel.path("matchExpressions")) {
      List<String> vals = new ArrayList<>();
      r.path("values").forEach(v -> vals.add(v.asText()));
      String key = r.path("key").asText();
      switch (r.path("operator").asText()) {
        case "In" -> parts.add(key + " in (" + String.join(",", vals) + ")");
        case "NotIn" -> parts.add(key + " notin (" + String.join(",", vals) + ")");
        case "Exists" -> parts.add(key);
        case "DoesNotExist" -> parts.add("!" + key);
        default -> parts.add(key);
      }
    }
    return parts.isEmpty() ? "<none>" : String.join(",", parts);
  }

  /** Container names and images of a pod spec, comma-separated. */
  public static String containers(JsonNode podSpec, String field) {
    List<String> out = new ArrayList<>();
    podSpec.path("containers").forEach(c -> out.add(c.path(field).asText()));
    return String.join(",", out);
  }
}
