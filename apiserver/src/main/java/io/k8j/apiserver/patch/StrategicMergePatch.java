package io.k8j.apiserver.patch;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Strategic merge patch, as upstream's {@code strategicpatch.StrategicMergePatch}: objects merge
 * key by key and null deletes, as in a merge patch; lists tagged {@code merge} merge their elements
 * by the merge key (or as a set of primitives); and the directives {@code $patch} (replace, merge,
 * delete), {@code $retainKeys}, {@code $setElementOrder/<list>} and {@code
 * $deleteFromPrimitiveList/<list>} are honoured. Types without metadata (custom resources) merge as
 * a JSON merge patch.
 */
public final class StrategicMergePatch {
  private static final String PATCH = "$patch";
  private static final String RETAIN_KEYS = "$retainKeys";
  private static final String SET_ORDER = "$setElementOrder/";
  private static final String DELETE_PRIMITIVE = "$deleteFromPrimitiveList/";

  private StrategicMergePatch() {}

  /**
   * Applies {@code patch} to a copy of {@code original}, an object of the model type {@code type}
   * (null for a type without metadata).
   *
   * @throws IllegalArgumentException when a directive is malformed
   */
  public static ObjectNode apply(ObjectNode original, JsonNode patch, Class<?> type) {
    if (!patch.isObject()) {
      throw new IllegalArgumentException("a strategic merge patch must be a JSON object");
    }
    JavaType t = type == null ? null : Json.MAPPER.constructType(type);
    JsonNode out = mergeMap(original.deepCopy(), (ObjectNode) patch, t);
    return out == null ? JsonNodeFactory.instance.objectNode() : (ObjectNode) out;
  }

  /** Merges {@code patch} into {@code original} (modified in place); null means "deleted". */
  private static ObjectNode mergeMap(ObjectNode original, ObjectNode patch, JavaType type) {
    String directive = patch.path(PATCH).asText(null);
    if (directive != null) {
      switch (directive) {
        case "delete" -> {
          return null;
        }
        case "replace" -> {
          return mergeMap(JsonNodeFactory.instance.objectNode(), withoutDirective(patch), type);
        }
        case "merge" -> {}
        default -> throw new IllegalArgumentException("Unknown patch type: " + directive);
      }
    }
    ObjectNode result = original == null ? JsonNodeFactory.instance.objectNode() : original;
    Map<String, JsonNode> orders = new LinkedHashMap<>();
    Map<String, ArrayNode> originals = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : patch.properties()) {
      if (e.getKey().startsWith(SET_ORDER)
          && result.get(e.getKey().substring(SET_ORDER.length())) instanceof ArrayNode live) {
        originals.put(e.getKey().substring(SET_ORDER.length()), live.deepCopy());
      }
    }
    for (Map.Entry<String, JsonNode> e : patch.properties()) {
      String key = e.getKey();
      JsonNode value = e.getValue();
      if (key.equals(PATCH) || key.equals(RETAIN_KEYS)) {
        continue;
      }
      if (key.startsWith(SET_ORDER)) {
        orders.put(key.substring(SET_ORDER.length()), value);
        continue;
      }
      if (key.startsWith(DELETE_PRIMITIVE)) {
        String field = key.substring(DELETE_PRIMITIVE.length());
        if (result.get(field) instanceof ArrayNode list) {
          Set<JsonNode> gone = new HashSet<>();
          value.forEach(gone::add);
          result.set(field, filtered(list, gone::contains));
        }
        continue;
      }
      if (value.isNull()) {
        result.remove(key);
        continue;
      }
      PatchStrategies.Field f = PatchStrategies.field(type, key);
      JsonNode current = result.get(key);
      if (value instanceof ObjectNode patchMap) {
        ObjectNode merged =
            mergeMap(current instanceof ObjectNode o ? o : null, patchMap, f.type());
        if (merged == null) {
          result.remove(key);
        } else {
          result.set(key, merged);
        }
      } else if (value instanceof ArrayNode patchList) {
        result.set(key, mergeList(current instanceof ArrayNode a ? a : null, patchList, f));
      } else {
        result.set(key, value.deepCopy());
      }
    }
    for (Map.Entry<String, JsonNode> e : orders.entrySet()) {
      if (result.get(e.getKey()) instanceof ArrayNode list) {
        PatchStrategies.Field f = PatchStrategies.field(type, e.getKey());
        result.set(
            e.getKey(), ordered(list, e.getValue(), originals.get(e.getKey()), f.mergeKey()));
      }
    }
    if (patch.get(RETAIN_KEYS) instanceof ArrayNode retain) {
      Set<String> keep = new HashSet<>();
      retain.forEach(k -> keep.add(k.asText()));
      result.retain(keep);
    } else if (patch.has(RETAIN_KEYS)) {
      throw new IllegalArgumentException("$retainKeys must be a list of field names");
    }
    return result;
  }

  private static ArrayNode mergeList(ArrayNode original, ArrayNode patch, PatchStrategies.Field f) {
    JavaType element = f.element();
    if (!f.merge()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      for (JsonNode v : patch) {
        out.add(v instanceof ObjectNode o ? mergeMap(null, o, element) : v.deepCopy());
      }
      return out;
    }
    ArrayNode result = original == null ? JsonNodeFactory.instance.arrayNode() : original;
    for (JsonNode v : patch) {
      if (v instanceof ObjectNode o && "replace".equals(o.path(PATCH).asText(null))) {
        ArrayNode replaced = JsonNodeFactory.instance.arrayNode();
        for (JsonNode w : patch) {
          if (!(w instanceof ObjectNode wo && wo.has(PATCH))) {
            replaced.add(w instanceof ObjectNode m ? mergeMap(null, m, element) : w.deepCopy());
          }
        }
        return replaced;
      }
    }
    if (f.mergeKey() == null) {
      for (JsonNode v : patch) {
        if (!contains(result, v)) {
          result.add(v.deepCopy());
        }
      }
      return result;
    }
    String key = f.mergeKey();
    for (JsonNode v : patch) {
      if (!(v instanceof ObjectNode item)) {
        throw new IllegalArgumentException("the list " + key + " merges objects, not " + v);
      }
      JsonNode id = item.get(key);
      if (id == null) {
        throw new IllegalArgumentException(
            "map: " + item + " does not contain declared merge key: " + key);
      }
      int at = indexOf(result, key, id);
      if ("delete".equals(item.path(PATCH).asText(null))) {
        if (at >= 0) {
          result.remove(at);
        }
      } else if (at >= 0) {
        result.set(at, mergeMap((ObjectNode) result.get(at), item, element));
      } else {
        result.add(mergeMap(null, item, element));
      }
    }
    return result;
  }

  /**
   * The merged list in the order {@code order} gives, as upstream's {@code normalizeElementOrder}:
   * the elements {@code order} names are sorted by it; the others (server-only) keep their relative
   * order from {@code original} and are interleaved back where they stood relative to the ordered
   * ones.
   */
  static ArrayNode ordered(ArrayNode merged, JsonNode order, ArrayNode original, String mergeKey) {
    List<JsonNode> named = new ArrayList<>();
    List<JsonNode> serverOnly = new ArrayList<>();
    for (JsonNode v : merged) {
      (position(order, v, mergeKey) >= 0 ? named : serverOnly).add(v);
    }
    named.sort(java.util.Comparator.comparingInt(v -> position(order, v, mergeKey)));
    List<JsonNode> live = new ArrayList<>();
    if (original != null) {
      original.forEach(live::add);
    }
    serverOnly.sort(
        java.util.Comparator.comparingInt(
            v -> {
              int at = position(live, v, mergeKey);
              return at < 0 ? Integer.MAX_VALUE : at;
            }));
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    int i = 0;
    int j = 0;
    while (i < serverOnly.size() || j < named.size()) {
      if (j >= named.size()) {
        out.add(serverOnly.get(i++));
      } else if (i >= serverOnly.size()) {
        out.add(named.get(j++));
      } else {
        int li = position(live, serverOnly.get(i), mergeKey);
        int ri = position(live, named.get(j), mergeKey);
        if (li >= 0 && ri >= 0 && li < ri) {
          out.add(serverOnly.get(i++));
        } else {
          out.add(named.get(j++));
        }
      }
    }
    return out;
  }

  private static int position(Iterable<JsonNode> list, JsonNode v, String mergeKey) {
    int i = 0;
    for (JsonNode o : list) {
      boolean same = mergeKey == null ? o.equals(v) : sameKey(o.path(mergeKey), v.path(mergeKey));
      if (same) {
        return i;
      }
      i++;
    }
    return -1;
  }

  private static boolean sameKey(JsonNode a, JsonNode b) {
    return !a.isMissingNode()
        && (a.equals(b) || a.isValueNode() && b.isValueNode() && a.asText().equals(b.asText()));
  }

  private static ObjectNode withoutDirective(ObjectNode patch) {
    ObjectNode copy = patch.deepCopy();
    copy.remove(PATCH);
    return copy;
  }

  private static ArrayNode filtered(ArrayNode list, java.util.function.Predicate<JsonNode> drop) {
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    for (JsonNode v : list) {
      if (!drop.test(v)) {
        out.add(v);
      }
    }
    return out;
  }

  private static boolean contains(ArrayNode list, JsonNode v) {
    for (JsonNode w : list) {
      if (w.equals(v)) {
        return true;
      }
    }
    return false;
  }

  private static int indexOf(ArrayNode list, String key, JsonNode id) {
    for (int i = 0; i < list.size(); i++) {
      JsonNode k = list.get(i).path(key);
      if (k.equals(id) || k.isValueNode() && id.isValueNode() && k.asText().equals(id.asText())) {
        return i;
      }
    }
    return -1;
  }
}
