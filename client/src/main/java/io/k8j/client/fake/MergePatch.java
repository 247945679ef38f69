package io.k8j.client.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** JSON merge patch (RFC 7386) on Jackson trees. */
final class MergePatch {
  private MergePatch() {}

  static void apply(ObjectNode target, ObjectNode patch) {
    for (Map.Entry<String, JsonNode> e : patch.properties()) {
      JsonNode v = e.getValue();
      if (v.isNull()) {
        target.remove(e.getKey());
      } else if (v.isObject() && target.get(e.getKey()) instanceof ObjectNode child) {
        apply(child, (ObjectNode) v);
      } else if (v.isObject()) {
        ObjectNode child = target.putObject(e.getKey());
        apply(child, (ObjectNode) v);
      } else {
        target.set(e.getKey(), v.deepCopy());
      }
    }
  }
}
