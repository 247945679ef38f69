package io.k8j.apiserver.managedfields;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A set of field paths, as structured-merge-diff's {@code fieldpath.Set}, kept as a tree whose
 * edges are path elements in their FieldsV1 spelling: {@code f:name} (a field), {@code
 * k:{"name":"c"}} (an associative-list element by its keys), {@code v:"x"} (a set element) and
 * {@code i:0} (a list index). A node is a member when the path to it is in the set; FieldsV1 writes
 * a member with children as the child {@code "."}. Immutable to callers: operations return new
 * sets.
 */
public final class FieldSet {
  /** Field names first, then keys, values and indices, as upstream orders path elements. */
  static final Comparator<String> ORDER =
      Comparator.comparingInt((String e) -> "fkvi".indexOf(e.charAt(0)))
          .thenComparing(Comparator.naturalOrder());

  private boolean member;
  private final TreeMap<String, FieldSet> children = new TreeMap<>(ORDER);

  public static FieldSet empty() {
    return new FieldSet();
  }

  /** Parses a FieldsV1 value such as {@code {"f:metadata":{"f:labels":{".":{},"f:a":{}}}}}. */
  public static FieldSet fromFieldsV1(JsonNode json) {
    FieldSet s = new FieldSet();
    if (json == null || !json.isObject()) {
      return s;
    }
    for (Map.Entry<String, JsonNode> e : json.properties()) {
      if (e.getKey().equals(".")) {
        s.member = true;
      } else if (!e.getKey().isEmpty() && "fkvi".indexOf(e.getKey().charAt(0)) >= 0) {
        FieldSet child = fromFieldsV1(e.getValue());
        if (e.getValue().isObject() && e.getValue().isEmpty()) {
          child.member = true;
        }
        s.children.put(e.getKey(), child);
      } else {
        throw new IllegalArgumentException("unexpected path element: " + e.getKey());
      }
    }
    return s;
  }

  /** This set in the FieldsV1 format. */
  public ObjectNode toFieldsV1() {
    ObjectNode out = Json.object();
    for (Map.Entry<String, FieldSet> e : children.entrySet()) {
      FieldSet c = e.getValue();
      ObjectNode v = c.toFieldsV1();
      if (c.member && !c.children.isEmpty()) {
        ObjectNode withSelf = Json.object();
        withSelf.putObject(".");
        withSelf.setAll(v);
        v = withSelf;
      }
      out.set(e.getKey(), v);
    }
    return out;
  }

  /** Adds {@code path} (a list of path elements) as a member. */
  public void insert(List<String> path) {
    FieldSet n = this;
    for (String pe : path) {
      n = n.children.computeIfAbsent(pe, k -> new FieldSet());
    }
    n.member = true;
  }

  public boolean has(List<String> path) {
    FieldSet n = node(path);
    return n != null && n.member;
  }

  /** Whether the set holds {@code path} or any path below it. */
  public boolean hasPrefix(List<String> path) {
    FieldSet n = node(path);
    return n != null && (n.member || !n.children.isEmpty());
  }

  /** Whether the set holds a path strictly below {@code path}. */
  public boolean hasBelow(List<String> path) {
    FieldSet n = node(path);
    return n != null && !n.children.isEmpty();
  }

  private FieldSet node(List<String> path) {
    FieldSet n = this;
    for (String pe : path) {
      n = n.children.get(pe);
      if (n == null) {
        return null;
      }
    }
    return n;
  }

  public boolean isEmpty() {
    return !member && children.isEmpty();
  }

  /** The members of this set, in order, each as its list of path elements. */
  public List<List<String>> paths() {
    List<List<String>> out = new ArrayList<>();
    collect(new ArrayList<>(), out);
    return out;
  }

  private void collect(List<String> prefix, List<List<String>> out) {
    if (member) {
      out.add(List.copyOf(prefix));
    }
    for (Map.Entry<String, FieldSet> e : children.entrySet()) {
      prefix.add(e.getKey());
      e.getValue().collect(prefix, out);
      prefix.removeLast();
    }
  }

  public FieldSet union(FieldSet other) {
    FieldSet out = copy();
    out.addAll(other);
    return out;
  }

  private void addAll(FieldSet other) {
    member |= other.member;
    for (Map.Entry<String, FieldSet> e : other.children.entrySet()) {
      children.computeIfAbsent(e.getKey(), k -> new FieldSet()).addAll(e.getValue());
    }
  }

  /** The members of this set that are not members of {@code other}. */
  public FieldSet difference(FieldSet other) {
    FieldSet out = new FieldSet();
    out.member = member && !other.member;
    for (Map.Entry<String, FieldSet> e : children.entrySet()) {
      FieldSet o = other.children.get(e.getKey());
      FieldSet c = o == null ? e.getValue().copy() : e.getValue().difference(o);
      if (!c.isEmpty()) {
        out.children.put(e.getKey(), c);
      }
    }
    return out;
  }

  public FieldSet intersection(FieldSet other) {
    FieldSet out = new FieldSet();
    out.member = member && other.member;
    for (Map.Entry<String, FieldSet> e : children.entrySet()) {
      FieldSet o = other.children.get(e.getKey());
      if (o != null) {
        FieldSet c = e.getValue().intersection(o);
        if (!c.isEmpty()) {
          out.children.put(e.getKey(), c);
        }
      }
    }
    return out;
  }

  /** This set without the subtree under the first-level element {@code pe}. */
  public FieldSet without(String pe) {
    FieldSet out = copy();
    out.children.remove(pe);
    return out;
  }

  /** Only the subtree under the first-level element {@code pe}. */
  public FieldSet only(String pe) {
    FieldSet out = new FieldSet();
    FieldSet c = children.get(pe);
    if (c != null) {
      out.children.put(pe, c.copy());
    }
    return out;
  }

  private FieldSet copy() {
    FieldSet out = new FieldSet();
    out.member = member;
    children.forEach((k, v) -> out.children.put(k, v.copy()));
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FieldSet s && member == s.member && children.equals(s.children);
  }

  @Override
  public int hashCode() {
    return children.hashCode() * 31 + (member ? 1 : 0);
  }

  @Override
  public String toString() {
    return toFieldsV1().toString();
  }

  /**
   * A path as upstream prints it in conflicts: {@code .spec.replicas}, {@code
   * .spec.containers[name="web"].image}, {@code .metadata.finalizers[="x"]}, {@code .args[0]}.
   */
  public static String describe(List<String> path) {
    StringBuilder sb = new StringBuilder();
    for (String pe : path) {
      String rest = pe.substring(2);
      switch (pe.charAt(0)) {
        case 'f' -> sb.append('.').append(rest);
        case 'k' -> {
          JsonNode keys = Json.parseObject(rest.getBytes(java.nio.charset.StandardCharsets.UTF_8));
          List<String> parts = new ArrayList<>();
          keys.properties().forEach(e -> parts.add(e.getKey() + "=" + e.getValue()));
          sb.append('[').append(String.join(",", parts)).append(']');
        }
        case 'v' -> sb.append("[=").append(rest).append(']');
        default -> sb.append('[').append(rest).append(']');
      }
    }
    return sb.toString();
  }
}
