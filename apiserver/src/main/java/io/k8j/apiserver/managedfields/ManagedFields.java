package io.k8j.apiserver.managedfields;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The {@code metadata.managedFields} of an object: one entry per manager, operation (Apply or
 * Update), API version of an update and subresource, each with the set of fields it owns.
 */
public final class ManagedFields {
  /** One manager's entry; {@code time} is RFC 3339, null when unknown. */
  public record Entry(
      String manager,
      String operation,
      String apiVersion,
      String time,
      String subresource,
      FieldSet fields) {
    /** Whether {@code other} is the same manager, as upstream's manager identifier compares. */
    boolean sameManager(Entry other) {
      return manager.equals(other.manager)
          && operation.equals(other.operation)
          && subresource.equals(other.subresource)
          && (operation.equals(APPLY) || apiVersion.equals(other.apiVersion));
    }

    Entry withFields(FieldSet f) {
      return new Entry(manager, operation, apiVersion, time, subresource, f);
    }

    Entry withTime(String t) {
      return new Entry(manager, operation, apiVersion, t, subresource, fields);
    }

    /** The manager as conflicts name it: {@code "kubectl-edit" using apps/v1}. */
    public String describe() {
      String s = "\"" + manager + "\"";
      if (!subresource.isEmpty()) {
        s += " with subresource \"" + subresource + "\"";
      }
      return operation.equals(UPDATE) ? s + " using " + apiVersion : s;
    }
  }

  public static final String APPLY = "Apply";
  public static final String UPDATE = "Update";

  private ManagedFields() {}

  /** The entries of {@code obj}; malformed ones are an IllegalArgumentException. */
  public static List<Entry> decode(JsonNode obj) {
    List<Entry> out = new ArrayList<>();
    JsonNode list = obj == null ? null : obj.path("metadata").get("managedFields");
    if (list == null || list.isNull()) {
      return out;
    }
    if (!list.isArray()) {
      throw new IllegalArgumentException("metadata.managedFields must be a list");
    }
    for (JsonNode e : list) {
      String op = e.path("operation").asText("");
      if (!op.equals(APPLY) && !op.equals(UPDATE)) {
        throw new IllegalArgumentException("operation must be Apply or Update");
      }
      String type = e.path("fieldsType").asText("FieldsV1");
      if (!type.equals("FieldsV1")) {
        throw new IllegalArgumentException("unsupported fieldsType " + type);
      }
      out.add(
          new Entry(
              e.path("manager").asText(""),
              op,
              e.path("apiVersion").asText(""),
              e.path("time").isTextual() ? e.path("time").asText() : null,
              e.path("subresource").asText(""),
              FieldSet.fromFieldsV1(e.get("fieldsV1"))));
    }
    return out;
  }

  /** Whether {@code obj} asks to reset its managed fields: an empty list, or one empty entry. */
  public static boolean isReset(JsonNode obj) {
    JsonNode list = obj.path("metadata").get("managedFields");
    return list != null
        && list.isArray()
        && (list.isEmpty() || list.size() == 1 && list.get(0).isObject() && list.get(0).isEmpty());
  }

  /**
   * Writes {@code entries} (without empty ones) into {@code obj}'s metadata in upstream's order:
   * Apply before Update, then by time, manager, API version and subresource.
   */
  public static void encode(ObjectNode obj, List<Entry> entries) {
    List<Entry> sorted = new ArrayList<>();
    for (Entry e : entries) {
      if (!e.fields().isEmpty()) {
        sorted.add(e);
      }
    }
    sorted.sort(
        Comparator.comparing(Entry::operation)
            .thenComparing(e -> e.time() == null ? "" : e.time())
            .thenComparing(Entry::manager)
            .thenComparing(Entry::apiVersion)
            .thenComparing(Entry::subresource));
    ObjectNode meta = Json.metadata(obj);
    if (sorted.isEmpty()) {
      meta.remove("managedFields");
      return;
    }
    ArrayNode out = meta.putArray("managedFields");
    for (Entry e : sorted) {
      ObjectNode n = out.addObject();
      n.put("manager", e.manager()).put("operation", e.operation());
      n.put("apiVersion", e.apiVersion());
      if (e.time() != null) {
        n.put("time", e.time());
      }
      n.put("fieldsType", "FieldsV1");
      n.set("fieldsV1", e.fields().toFieldsV1());
      if (!e.subresource().isEmpty()) {
        n.put("subresource", e.subresource());
      }
    }
  }
}
