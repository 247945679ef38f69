package io.k8j.apiserver.managedfields;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The field sets of values, as structured-merge-diff's {@code ToFieldSet} and {@code Compare}: the
 * fields an applied configuration sets, and the fields an update added, modified or removed.
 */
public final class FieldSets {
  /**
   * Fields that Go always serialises (structs held by value, a pod's containers without omitempty),
   * so they exist (empty or null) whenever their parent does: an update that first fills them does
   * not add the field itself, as upstream's comparison against a zero-valued object shows.
   */
  private static final Set<String> ALWAYS_PRESENT =
      Set.of("metadata", "spec", "status", "template", "strategy", "updateStrategy", "containers");

  private FieldSets() {}

  /** What an update changed. */
  public record Comparison(FieldSet added, FieldSet modified, FieldSet removed) {
    /** The fields the update set: added or modified. */
    public FieldSet changed() {
      return added.union(modified);
    }
  }

  /** The fields {@code value} sets: every scalar, atomic value and list element in it. */
  public static FieldSet of(JsonNode value, FieldType type) {
    FieldSet set = FieldSet.empty();
    walk(value, type, new ArrayList<>(), set);
    return set;
  }

  private static void walk(JsonNode v, FieldType t, List<String> path, FieldSet set) {
    switch (FieldType.kindOf(t, v)) {
      case SCALAR, ATOMIC -> insert(set, path);
      case MAP -> {
        for (Map.Entry<String, JsonNode> e : v.properties()) {
          JsonNode c = e.getValue();
          path.add("f:" + e.getKey());
          if (!c.isNull()) {
            walk(c, t.field(e.getKey()), path, set);
          }
          if (c.isNull() || c.isObject() && c.isEmpty() || !t.declares(e.getKey())) {
            insert(set, path);
          }
          path.removeLast();
        }
      }
      case LIST_MAP, LIST_SET -> {
        for (Map.Entry<String, JsonNode> e : items(v, t).entrySet()) {
          path.add(e.getKey());
          if (t.kind() == FieldType.Kind.LIST_MAP) {
            walk(e.getValue(), t.element(), path, set);
          }
          insert(set, path);
          path.removeLast();
        }
      }
    }
  }

  private static void insert(FieldSet set, List<String> path) {
    if (!path.isEmpty()) {
      set.insert(path);
    }
  }

  /**
   * The path element of each element of an associative list or set, in order.
   *
   * @throws IllegalArgumentException when an element lacks a key field or two share their keys
   */
  static Map<String, JsonNode> items(JsonNode list, FieldType t) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (JsonNode item : list) {
      String pe = pathElement(item, t);
      if (out.put(pe, item) != null) {
        throw new IllegalArgumentException(
            "duplicate entries for key " + FieldSet.describe(List.of(pe)));
      }
    }
    return out;
  }

  static String pathElement(JsonNode item, FieldType t) {
    if (t.kind() == FieldType.Kind.LIST_SET) {
      return "v:" + item;
    }
    TreeMap<String, JsonNode> keys = new TreeMap<>();
    for (String k : t.keys()) {
      JsonNode v = item.get(k);
      if ((v == null || v.isNull()) && t.keyDefault(k) != null) {
        v = Json.object().textNode(t.keyDefault(k));
      }
      if (v == null || v.isNull()) {
        throw new IllegalArgumentException(
            "associative list with keys has an element that omits key field \"" + k + "\"");
      }
      keys.put(k, v);
    }
    ObjectNode k = Json.object();
    keys.forEach(k::set);
    return "k:" + k;
  }

  /** What changed from {@code before} (null: nothing) to {@code after}. */
  public static Comparison compare(JsonNode before, JsonNode after, FieldType type) {
    Comparison c = new Comparison(FieldSet.empty(), FieldSet.empty(), FieldSet.empty());
    compare(before == null ? Json.object() : before, after, type, new ArrayList<>(), c);
    return c;
  }

  private static void compare(
      JsonNode l, JsonNode r, FieldType t, List<String> path, Comparison c) {
    FieldType.Kind kl = l == null ? null : FieldType.kindOf(t, l);
    FieldType.Kind kr = r == null ? null : FieldType.kindOf(t, r);
    FieldType.Kind k = kr == null ? kl : kr;
    boolean leaf =
        k == FieldType.Kind.SCALAR
            || k == FieldType.Kind.ATOMIC
            || kl != null && kr != null && kl != kr;
    if (leaf) {
      if (l == null) {
        insert(c.added(), path);
      } else if (r == null) {
        insert(c.removed(), path);
      } else if (!l.equals(r)) {
        insert(c.modified(), path);
      }
      return;
    }
    if (k == FieldType.Kind.MAP) {
      Set<String> keys = new LinkedHashSet<>();
      if (l != null) {
        l.fieldNames().forEachRemaining(keys::add);
      }
      if (r != null) {
        r.fieldNames().forEachRemaining(keys::add);
      }
      for (String key : keys) {
        JsonNode lc = present(l == null ? null : l.get(key));
        JsonNode rc = present(r == null ? null : r.get(key));
        if (lc == null && l != null && ALWAYS_PRESENT.contains(key) && rc != null) {
          lc = rc.isObject() ? Json.object() : rc.isArray() ? Json.object().arrayNode() : null;
        }
        if (lc == null && rc == null) {
          continue;
        }
        path.add("f:" + key);
        compare(lc, rc, t.field(key), path, c);
        path.removeLast();
      }
    } else {
      Map<String, JsonNode> li = l == null ? Map.of() : items(l, t);
      Map<String, JsonNode> ri = r == null ? Map.of() : items(r, t);
      Set<String> pes = new LinkedHashSet<>(li.keySet());
      pes.addAll(ri.keySet());
      FieldType element =
          t.kind() == FieldType.Kind.LIST_MAP ? t.element() : FieldType.of(FieldType.Kind.SCALAR);
      for (String pe : pes) {
        path.add(pe);
        compare(li.get(pe), ri.get(pe), element, path, c);
        path.removeLast();
      }
    }
    if (l == null) {
      insert(c.added(), path);
    } else if (r == null) {
      insert(c.removed(), path);
    }
  }

  private static JsonNode present(JsonNode v) {
    return v == null || v.isNull() ? null : v;
  }
}
