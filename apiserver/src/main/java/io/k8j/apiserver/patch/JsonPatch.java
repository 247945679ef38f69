package io.k8j.apiserver.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** JSON patch, RFC 6902: add, remove, replace, move, copy and test on JSON pointers. */
public final class JsonPatch {
  private JsonPatch() {}

  /**
   * Applies a patch document to a copy of {@code target}.
   *
   * @throws IllegalArgumentException when an operation is malformed or does not apply
   */
  public static JsonNode apply(JsonNode target, JsonNode patch) {
    if (!patch.isArray()) {
      throw new IllegalArgumentException("a JSON patch must be an array of operations");
    }
    JsonNode doc = target.deepCopy();
    for (JsonNode op : patch) {
      String kind = op.path("op").asText("");
      String path = op.path("path").asText(null);
      if (path == null) {
        throw new IllegalArgumentException("operation " + kind + " has no path");
      }
      switch (kind) {
        case "add" -> doc = add(doc, path, value(op));
        case "remove" -> remove(doc, path);
        case "replace" -> {
          get(doc, path);
          remove(doc, path);
          doc = add(doc, path, value(op));
        }
        case "move" -> {
          String from = op.path("from").asText();
          JsonNode v = get(doc, from);
          remove(doc, from);
          doc = add(doc, path, v);
        }
        case "copy" -> doc = add(doc, path, get(doc, op.path("from").asText()).deepCopy());
        case "test" -> {
          if (!get(doc, path).equals(value(op))) {
            throw new IllegalArgumentException("testing value " + path + " failed");
          }
        }
        default -> throw new IllegalArgumentException("Unexpected kind: " + kind);
      }
    }
    return doc;
  }

  private static JsonNode value(JsonNode op) {
    if (!op.has("value")) {
      throw new IllegalArgumentException("operation has no value");
    }
    return op.get("value").deepCopy();
  }

  private static List<String> tokens(String pointer) {
    List<String> out = new ArrayList<>();
    if (pointer.isEmpty()) {
      return out;
    }
    if (!pointer.startsWith("/")) {
      throw new IllegalArgumentException("invalid JSON pointer: " + pointer);
    }
    for (String t : pointer.substring(1).split("/", -1)) {
      out.add(t.replace("~1", "/").replace("~0", "~"));
    }
    return out;
  }

  private static JsonNode get(JsonNode doc, String pointer) {
    JsonNode cur = doc;
    for (String t : tokens(pointer)) {
      cur = child(cur, t);
      if (cur == null) {
        throw new IllegalArgumentException("path " + pointer + " does not exist");
      }
    }
    return cur;
  }

  private static JsonNode child(JsonNode node, String token) {
    if (node instanceof ObjectNode o) {
      return o.get(token);
    }
    if (node instanceof ArrayNode a) {
      int i = index(token, a.size() - 1);
      return a.get(i);
    }
    return null;
  }

  private static JsonNode add(JsonNode doc, String pointer, JsonNode value) {
    List<String> t = tokens(pointer);
    if (t.isEmpty()) {
      return value;
    }
    ContainerNode<?> parent = parent(doc, t, pointer);
    String last = t.getLast();
    if (parent instanceof ObjectNode o) {
      o.set(last, value);
    } else if (parent instanceof ArrayNode a) {
      if (last.equals("-")) {
        a.add(value);
      } else {
        a.insert(index(last, a.size()), value);
      }
    }
    return doc;
  }

  private static void remove(JsonNode doc, String pointer) {
    List<String> t = tokens(pointer);
    if (t.isEmpty()) {
      throw new IllegalArgumentException("cannot remove the whole document");
    }
    ContainerNode<?> parent = parent(doc, t, pointer);
    String last = t.getLast();
    if (parent instanceof ObjectNode o) {
      if (o.remove(last) == null) {
        throw new IllegalArgumentException("path " + pointer + " does not exist");
      }
    } else if (parent instanceof ArrayNode a) {
      a.remove(index(last, a.size() - 1));
    }
  }

  private static ContainerNode<?> parent(JsonNode doc, List<String> t, String pointer) {
    JsonNode cur = doc;
    for (String s : t.subList(0, t.size() - 1)) {
      cur = child(cur, s);
      if (cur == null) {
        throw new IllegalArgumentException("path " + pointer + " does not exist");
      }
    }
    if (cur instanceof ContainerNode<?> c) {
      return c;
    }
    throw new IllegalArgumentException("path " + pointer + " does not exist");
  }

  private static int index(String token, int max) {
    try {
      int i = Integer.parseInt(token);
      if (i < 0 || i > max) {
        throw new IllegalArgumentException("index " + token + " out of bounds");
      }
      return i;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid array index: " + token);
    }
  }
}
