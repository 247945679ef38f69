package io.k8j.apiserver.managedfields;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Merges an applied configuration into a live object and removes fields from it, as
 * structured-merge-diff's {@code Merge} and {@code RemoveItems}: objects merge key by key,
 * associative lists and sets element by element (the applied order wins for the elements both have;
 * the others keep their place), atomic values and scalars are replaced.
 */
public final class ApplyMerge {
  private ApplyMerge() {}

  /** {@code config} merged into a copy of {@code live} (null when absent). */
  public static JsonNode merge(JsonNode live, JsonNode config, FieldType t) {
    if (config == null) {
      return live == null ? null : live.deepCopy();
    }
    if (live == null || live.isNull() || config.isNull()) {
      return config.deepCopy();
    }
    FieldType.Kind kl = FieldType.kindOf(t, live);
    FieldType.Kind kr = FieldType.kindOf(t, config);
    if (kl != kr) {
      return config.deepCopy();
    }
    return switch (kr) {
      case MAP -> {
        ObjectNode out = (ObjectNode) live.deepCopy();
        for (Map.Entry<String, JsonNode> e : config.properties()) {
          if (e.getValue().isNull()) {
            out.remove(e.getKey());
          } else {
            out.set(e.getKey(), merge(live.get(e.getKey()), e.getValue(), t.field(e.getKey())));
          }
        }
        yield out;
      }
      case LIST_MAP, LIST_SET -> mergeList(live, config, t);
      default -> config.deepCopy();
    };
  }

  /**
   * Upstream's list merge: shared elements in the applied order, live-only ones where they were.
   */
  private static ArrayNode mergeList(JsonNode live, JsonNode config, FieldType t) {
    Map<String, JsonNode> lhs = FieldSets.items(live, t);
    Map<String, JsonNode> rhs = FieldSets.items(config, t);
    List<String> lpe = new ArrayList<>(lhs.keySet());
    List<String> rpe = new ArrayList<>(rhs.keySet());
    List<String> shared = new ArrayList<>();
    for (String pe : rpe) {
      if (lhs.containsKey(pe)) {
        shared.add(pe);
      }
    }
    FieldType element =
        t.kind() == FieldType.Kind.LIST_MAP ? t.element() : FieldType.of(FieldType.Kind.SCALAR);
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    Set<String> merged = new HashSet<>();
    int nextShared = 0;
    int li = 0;
    int ri = 0;
    while (li < lpe.size() || ri < rpe.size()) {
      if (li < lpe.size() && ri < rpe.size()) {
        String pe = lpe.get(li);
        if (pe.equals(rpe.get(ri))) {
          merged.add(pe);
          out.add(merge(lhs.get(pe), rhs.get(pe), element));
          li++;
          ri++;
          nextShared = shared.indexOf(pe) + 1;
          continue;
        }
        if (rhs.containsKey(pe)
            && nextShared < shared.size()
            && !shared.get(nextShared).equals(pe)) {
          li++;
          continue;
        }
      }
      if (li < lpe.size()) {
        String pe = lpe.get(li);
        if (!rhs.containsKey(pe)) {
          out.add(lhs.get(pe).deepCopy());
          li++;
          continue;
        } else if (merged.contains(pe)) {
          li++;
          continue;
        }
      }
      if (ri < rpe.size()) {
        String pe = rpe.get(ri);
        merged.add(pe);
        out.add(merge(lhs.get(pe), rhs.get(pe), element));
        ri++;
        if (nextShared < shared.size() && shared.get(nextShared).equals(pe)) {
          nextShared++;
        }
      }
    }
    return out;
  }

  /**
   * Removes the value at {@code path} from {@code obj}; objects and lists left empty by the removal
   * go too, as upstream's removal leaves no empty containers behind.
   */
  public static void remove(JsonNode obj, List<String> path, FieldType t) {
    if (path.isEmpty() || obj == null) {
      return;
    }
    String pe = path.getFirst();
    List<String> rest = path.subList(1, path.size());
    if (pe.startsWith("f:") && obj instanceof ObjectNode o) {
      String name = pe.substring(2);
      JsonNode child = o.get(name);
      if (child == null) {
        return;
      }
      if (rest.isEmpty()) {
        o.remove(name);
      } else {
        remove(child, rest, t.field(name));
        if (child.isContainerNode() && child.isEmpty()) {
          o.remove(name);
        }
      }
    } else if (obj instanceof ArrayNode a
        && (t.kind() == FieldType.Kind.LIST_MAP || t.kind() == FieldType.Kind.LIST_SET)) {
      for (int i = 0; i < a.size(); i++) {
        if (FieldSets.pathElement(a.get(i), t).equals(pe)) {
          if (rest.isEmpty()) {
            a.remove(i);
          } else {
            remove(a.get(i), rest, t.element());
            if (a.get(i).isEmpty()) {
              a.remove(i);
            }
          }
          return;
        }
      }
    }
  }
}
