package io.k8j.apiserver.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The simple JSONPaths of printer columns and scale subresources: {@code .spec.replicas}, {@code
 * .status.conditions[0].type}, {@code .metadata.labels['app.kubernetes.io/name']}.
 */
final class JsonPath {
  private final List<Object> steps;

  private JsonPath(List<Object> steps) {
    this.steps = steps;
  }

  static JsonPath parse(String path) {
    String p = path.trim();
    if (p.startsWith("{") && p.endsWith("}")) {
      p = p.substring(1, p.length() - 1);
    }
    if (p.startsWith("$")) {
      p = p.substring(1);
    }
    List<Object> steps = new ArrayList<>();
    int i = 0;
    while (i < p.length()) {
      char c = p.charAt(i);
      if (c == '.') {
        int j = i + 1;
        while (j < p.length() && p.charAt(j) != '.' && p.charAt(j) != '[') {
          j++;
        }
        if (j > i + 1) {
          steps.add(p.substring(i + 1, j));
        }
        i = j;
      } else if (c == '[') {
        int j = p.indexOf(']', i);
        if (j < 0) {
          throw new IllegalArgumentException("unclosed [ in " + path);
        }
        String inner = p.substring(i + 1, j).trim();
        if (inner.startsWith("'") || inner.startsWith("\"")) {
          steps.add(inner.substring(1, inner.length() - 1));
        } else {
          steps.add(Integer.parseInt(inner));
        }
        i = j + 1;
      } else {
        int j = i;
        while (j < p.length() && p.charAt(j) != '.' && p.charAt(j) != '[') {
          j++;
        }
        steps.add(p.substring(i, j));
        i = j;
      }
    }
    return new JsonPath(steps);
  }

  /** The value at this path, or a missing node. */
  JsonNode read(JsonNode root) {
    JsonNode n = root;
    for (Object s : steps) {
      if (n == null || n.isMissingNode()) {
        return MissingNode.getInstance();
      }
      n = s instanceof Integer i ? n.path(i) : n.path((String) s);
    }
    return n == null ? MissingNode.getInstance() : n;
  }

  /** The field names of this path, for writing through it; null when it has an index. */
  List<String> fields() {
    List<String> out = new ArrayList<>();
    for (Object s : steps) {
      if (!(s instanceof String str)) {
        return null;
      }
      out.add(str);
    }
    return out;
  }
}
