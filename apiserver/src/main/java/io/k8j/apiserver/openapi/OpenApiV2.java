package io.k8j.apiserver.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import java.util.Map;

/**
 * The OpenAPI v2 (Swagger 2.0) JSON document at {@code /openapi/v2}: the definitions of every
 * served kind, converted from the v3 component schemas (references point into {@code definitions};
 * a reference cannot carry a description in v2, so the wrapping {@code allOf} goes).
 */
public final class OpenApiV2 {
  private final OpenApiV3 v3;

  public OpenApiV2(OpenApiV3 v3) {
    this.v3 = v3;
  }

  /** {@code GET /openapi/v2} as JSON. */
  public ObjectNode document() {
    ObjectNode o = Json.object().put("swagger", "2.0");
    o.putObject("info").put("title", "Kubernetes").put("version", "v1.32.0");
    o.putObject("paths");
    ObjectNode defs = o.putObject("definitions");
    for (Map.Entry<String, ObjectNode> e : v3.allSchemas().entrySet()) {
      defs.set(e.getKey(), convert(e.getValue()));
    }
    return o;
  }

  static JsonNode convert(JsonNode n) {
    if (n.isArray()) {
      ArrayNode a = Json.MAPPER.createArrayNode();
      n.forEach(x -> a.add(convert(x)));
      return a;
    }
    if (!n.isObject()) {
      return n;
    }
    JsonNode allOf = n.get("allOf");
    if (allOf != null && allOf.size() == 1 && allOf.get(0).has("$ref")) {
      return convert(allOf.get(0));
    }
    ObjectNode out = Json.object();
    for (Map.Entry<String, JsonNode> e : n.properties()) {
      if (e.getKey().equals("$ref")) {
        out.put("$ref", e.getValue().asText().replace(ComponentSchemas.REF, "#/definitions/"));
      } else {
        out.set(e.getKey(), convert(e.getValue()));
      }
    }
    return out;
  }
}
