package io.k8j.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import java.util.List;

/**
 * Turns objects into a {@code meta.k8s.io} Table with the kind's columns: what kubectl prints for
 * human output. Each row carries the object's metadata (for {@code -A} and {@code --show-labels}),
 * the whole object when asked ({@code includeObject=Object}), or nothing ({@code None}).
 */
public final class TableConvertor {
  private TableConvertor() {}

  public static ObjectNode table(
      ResourceDef def,
      List<ObjectNode> objects,
      String tableVersion,
      String resourceVersion,
      String continueToken,
      String includeObject) {
    ObjectNode t = Json.object();
    t.put("kind", "Table").put("apiVersion", "meta.k8s.io/" + tableVersion);
    ObjectNode meta = t.putObject("metadata");
    if (resourceVersion != null) {
      meta.put("resourceVersion", resourceVersion);
    }
    if (continueToken != null) {
      meta.put("continue", continueToken);
    }
    ArrayNode cols = t.putArray("columnDefinitions");
    for (Column c : def.columns()) {
      cols.addObject()
          .put("name", c.name())
          .put("type", c.type())
          .put("format", c.format())
          .put("description", c.description())
          .put("priority", c.priority());
    }
    ArrayNode rows = t.putArray("rows");
    for (ObjectNode o : objects) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      for (Column c : def.columns()) {
        cells.add(cell(c, o));
      }
      if ("Object".equals(includeObject)) {
        row.set("object", o);
      } else if (!"None".equals(includeObject)) {
        row.set("object", partial(o, "v1"));
      }
    }
    return t;
  }

  private static JsonNode cell(Column c, ObjectNode o) {
    Object v;
    try {
      v = c.cell().apply(o);
    } catch (RuntimeException e) {
      v = "<unknown>";
    }
    if (v instanceof JsonNode n) {
      return n;
    }
    if (v instanceof Integer i) {
      return Json.object().numberNode(i);
    }
    if (v instanceof Long l) {
      return Json.object().numberNode(l);
    }
    return Json.object().textNode(v == null ? "<none>" : v.toString());
  }

  /** The object's metadata as a PartialObjectMetadata. */
  public static ObjectNode partial(ObjectNode o, String version) {
    ObjectNode p = Json.object();
    p.put("kind", "PartialObjectMetadata").put("apiVersion", "meta.k8s.io/" + version);
    p.set("metadata", o.path("metadata").deepCopy());
    return p;
  }
}
