package io.k8j.apiserver.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.Resources;
import io.k8j.apiserver.registry.ResourceRegistry;
import io.k8j.apiserver.registry.core.ServiceAllocator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The protobuf {@code /openapi/v2}: decoded with gnostic's {@code openapi.v2} field numbers
 * (written out here from OpenAPIv2.proto, apart from the encoder's), it is the JSON document.
 */
class OpenApiV2ProtobufTest {
  private static final ObjectMapper YAML = new YAMLMapper();

  private final ResourceRegistry registry =
      new ResourceRegistry(Resources.all(new ServiceAllocator("10.96.0.0/12")));
  private final OpenApiV2 v2 =
      new OpenApiV2(
          new OpenApiV3(registry, new ComponentSchemas(new ModelSchemas(), ModelDocs.load())));

  @Test
  void theProtobufDocumentDecodesToTheJsonDocument() throws Exception {
    ObjectNode json = v2.document();
    ObjectNode decoded = document(UnknownFieldSet.parseFrom(OpenApiV2Protobuf.encode(json)));
    assertThat(json.path("definitions").size()).isGreaterThan(300);
    JsonNode deployment = decoded.path("definitions").path("io.k8s.api.apps.v1.Deployment");
    assertThat(deployment.path("description").asText())
        .isEqualTo("Deployment enables declarative updates for Pods and ReplicaSets.");
    assertThat(deployment.path("x-kubernetes-group-version-kind"))
        .isEqualTo(
            Json.MAPPER.readTree(
                "[{\"group\":\"apps\",\"kind\":\"Deployment\",\"version\":\"v1\"}]"));
    JsonNode containers =
        decoded
            .path("definitions")
            .path("io.k8s.api.core.v1.PodSpec")
            .path("properties")
            .path("containers");
    assertThat(containers.path("x-kubernetes-patch-merge-key").asText()).isEqualTo("name");
    assertThat(containers.path("items").path("$ref").asText())
        .isEqualTo("#/definitions/io.k8s.api.core.v1.Container");
    assertThat(numbersAsDoubles(decoded)).isEqualTo(numbersAsDoubles(json));
  }

  @Test
  void everySchemaKeywordKeepsItsValue() throws Exception {
    ObjectNode json =
        (ObjectNode)
            Json.MAPPER.readTree(
                """
                {"swagger": "2.0", "info": {"title": "Kubernetes", "version": "v1.32.0"},
                 "paths": {}, "definitions": {"x.Thing": {
                   "type": "object", "description": "A thing.", "required": ["a"],
                   "x-kubernetes-group-version-kind": [{"group": "x", "kind": "Thing", "version": "v1"}],
                   "properties": {
                     "a": {"type": "integer", "format": "int32", "minimum": 1, "maximum": 10.5,
                           "exclusiveMaximum": true, "default": 3, "enum": [1, 2, 3]},
                     "b": {"type": "string", "pattern": "^x", "maxLength": 5, "minLength": 1,
                           "title": "B", "readOnly": true, "example": "xy"},
                     "c": {"type": "array", "items": {"$ref": "#/definitions/x.Thing"},
                           "maxItems": 3, "minItems": 1, "uniqueItems": true,
                           "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["a"]},
                     "d": {"type": "object", "additionalProperties": {"type": "string"},
                           "maxProperties": 4, "minProperties": 1},
                     "e": {"type": "object", "additionalProperties": true},
                     "f": {"allOf": [{"$ref": "#/definitions/x.Thing"}, {"type": "object"}],
                           "externalDocs": {"description": "docs", "url": "https://x"}},
                     "g": {"type": "number", "multipleOf": 0.5, "x-kubernetes-int-or-string": true}}}}}
                """);
    ObjectNode decoded = document(UnknownFieldSet.parseFrom(OpenApiV2Protobuf.encode(json)));
    assertThat(numbersAsDoubles(decoded)).isEqualTo(numbersAsDoubles(json));
  }

  // ---- a decoder of gnostic's openapi.v2 messages into JSON ----

  private static ObjectNode document(UnknownFieldSet doc) throws Exception {
    ObjectNode out = Json.object();
    out.put("swagger", string(doc, 1));
    UnknownFieldSet info = message(doc, 2);
    ObjectNode i = out.putObject("info");
    i.put("title", string(info, 1)).put("version", string(info, 2));
    if (!string(info, 3).isEmpty()) {
      i.put("description", string(info, 3));
    }
    out.putObject("paths");
    ObjectNode defs = out.putObject("definitions");
    for (UnknownFieldSet named : messages(message(doc, 9), 1)) {
      defs.set(string(named, 1), schema(message(named, 2)));
    }
    extensions(doc, 16, out);
    return out;
  }

  private static JsonNode schema(UnknownFieldSet s) throws Exception {
    ObjectNode out = Json.object();
    str(s, 1, "$ref", out);
    str(s, 2, "format", out);
    str(s, 3, "title", out);
    str(s, 4, "description", out);
    any(s, 5, "default", out);
    dbl(s, 6, "multipleOf", out);
    dbl(s, 7, "maximum", out);
    bool(s, 8, "exclusiveMaximum", out);
    dbl(s, 9, "minimum", out);
    bool(s, 10, "exclusiveMinimum", out);
    int64(s, 11, "maxLength", out);
    int64(s, 12, "minLength", out);
    str(s, 13, "pattern", out);
    int64(s, 14, "maxItems", out);
    int64(s, 15, "minItems", out);
    bool(s, 16, "uniqueItems", out);
    int64(s, 17, "maxProperties", out);
    int64(s, 18, "minProperties", out);
    if (s.hasField(19)) {
      ArrayNode req = out.putArray("required");
      s.getField(19).getLengthDelimitedList().forEach(b -> req.add(b.toStringUtf8()));
    }
    if (s.hasField(20)) {
      ArrayNode e = out.putArray("enum");
      for (UnknownFieldSet a : messages(s, 20)) {
        e.add(YAML.readTree(string(a, 2)));
      }
    }
    if (s.hasField(21)) {
      UnknownFieldSet a = message(s, 21);
      out.set(
          "additionalProperties",
          a.hasField(2)
              ? Json.MAPPER
                  .getNodeFactory()
                  .booleanNode(a.getField(2).getVarintList().getFirst() != 0)
              : schema(message(a, 1)));
    }
    if (s.hasField(22)) {
      List<ByteString> types = message(s, 22).getField(1).getLengthDelimitedList();
      out.put("type", types.getFirst().toStringUtf8());
    }
    if (s.hasField(23)) {
      out.set("items", schema(messages(message(s, 23), 1).getFirst()));
    }
    if (s.hasField(24)) {
      ArrayNode all = out.putArray("allOf");
      for (UnknownFieldSet x : messages(s, 24)) {
        all.add(schema(x));
      }
    }
    if (s.hasField(25)) {
      ObjectNode props = out.putObject("properties");
      for (UnknownFieldSet named : messages(message(s, 25), 1)) {
        props.set(string(named, 1), schema(message(named, 2)));
      }
    }
    bool(s, 27, "readOnly", out);
    if (s.hasField(29)) {
      UnknownFieldSet d = message(s, 29);
      out.putObject("externalDocs").put("description", string(d, 1)).put("url", string(d, 2));
    }
    any(s, 30, "example", out);
    extensions(s, 31, out);
    return out;
  }

  /** The node with every number as a double: protobuf keeps no int/long/double distinction. */
  private static JsonNode numbersAsDoubles(JsonNode n) {
    if (n.isNumber()) {
      return Json.MAPPER.getNodeFactory().numberNode(n.asDouble());
    }
    if (n.isArray()) {
      ArrayNode a = Json.MAPPER.createArrayNode();
      n.forEach(x -> a.add(numbersAsDoubles(x)));
      return a;
    }
    if (n.isObject()) {
      ObjectNode o = Json.object();
      n.properties().forEach(e -> o.set(e.getKey(), numbersAsDoubles(e.getValue())));
      return o;
    }
    return n;
  }

  private static void extensions(UnknownFieldSet s, int field, ObjectNode out) throws Exception {
    for (UnknownFieldSet named : messages(s, field)) {
      out.set(string(named, 1), YAML.readTree(string(message(named, 2), 2)));
    }
  }

  private static void str(UnknownFieldSet s, int f, String name, ObjectNode out) {
    if (s.hasField(f)) {
      out.put(name, string(s, f));
    }
  }

  private static void any(UnknownFieldSet s, int f, String name, ObjectNode out) throws Exception {
    if (s.hasField(f)) {
      out.set(name, YAML.readTree(string(message(s, f), 2)));
    }
  }

  private static void dbl(UnknownFieldSet s, int f, String name, ObjectNode out) {
    if (s.hasField(f)) {
      double d = Double.longBitsToDouble(s.getField(f).getFixed64List().getFirst());
      if (d == Math.rint(d)) {
        out.put(name, (long) d);
      } else {
        out.put(name, d);
      }
    }
  }

  private static void bool(UnknownFieldSet s, int f, String name, ObjectNode out) {
    if (s.hasField(f)) {
      out.put(name, s.getField(f).getVarintList().getFirst() != 0);
    }
  }

  private static void int64(UnknownFieldSet s, int f, String name, ObjectNode out) {
    if (s.hasField(f)) {
      out.put(name, s.getField(f).getVarintList().getFirst());
    }
  }

  private static String string(UnknownFieldSet s, int f) {
    return s.hasField(f) ? s.getField(f).getLengthDelimitedList().getFirst().toStringUtf8() : "";
  }

  private static UnknownFieldSet message(UnknownFieldSet s, int f) throws Exception {
    return UnknownFieldSet.parseFrom(s.getField(f).getLengthDelimitedList().getFirst());
  }

  private static List<UnknownFieldSet> messages(UnknownFieldSet s, int f) throws Exception {
    List<UnknownFieldSet> out = new java.util.ArrayList<>();
    for (ByteString b : s.getField(f).getLengthDelimitedList()) {
      out.add(UnknownFieldSet.parseFrom(b));
    }
    return out;
  }
}
