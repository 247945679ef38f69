package io.k8j.apiserver.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The OpenAPI v2 document in the protobuf form kubectl asks for ({@code
 * application/com.github.proto-openapi.spec.v2@v1.0+protobuf}): gnostic's {@code
 * openapi.v2.Document} message, encoded from the JSON document field by field. Values that gnostic
 * keeps as {@code Any} (vendor extensions, defaults, enums, examples) carry their YAML text, which
 * for these values is their JSON text.
 */
public final class OpenApiV2Protobuf {
  // openapi.v2.Document
  static final int DOC_SWAGGER = 1;
  static final int DOC_INFO = 2;
  static final int DOC_PATHS = 8;
  static final int DOC_DEFINITIONS = 9;
  static final int DOC_VENDOR_EXTENSION = 16;
  // openapi.v2.Info
  static final int INFO_TITLE = 1;
  static final int INFO_VERSION = 2;
  static final int INFO_DESCRIPTION = 3;
  // openapi.v2.Definitions / Properties: repeated NamedSchema additional_properties = 1
  static final int NAMED_LIST = 1;
  // openapi.v2.NamedSchema / NamedAny
  static final int NAMED_NAME = 1;
  static final int NAMED_VALUE = 2;
  // openapi.v2.Any
  static final int ANY_YAML = 2;
  // openapi.v2.Schema
  static final int SCHEMA_REF = 1;
  static final int SCHEMA_ADDITIONAL_PROPERTIES = 21;
  static final int SCHEMA_TYPE = 22;
  static final int SCHEMA_ITEMS = 23;
  static final int SCHEMA_ALL_OF = 24;
  static final int SCHEMA_PROPERTIES = 25;
  static final int SCHEMA_EXTERNAL_DOCS = 29;
  static final int SCHEMA_VENDOR_EXTENSION = 31;
  // openapi.v2.AdditionalPropertiesItem
  static final int ADDITIONAL_SCHEMA = 1;
  static final int ADDITIONAL_BOOLEAN = 2;

  /** How a Schema field is encoded. */
  enum Wire {
    STRING,
    DOUBLE,
    BOOL,
    INT64,
    STRINGS,
    ANY,
    ANYS
  }

  /** The Schema fields with plain values: JSON name, field number, encoding. */
  static final Map<String, Map.Entry<Integer, Wire>> SCHEMA_FIELDS =
      Map.ofEntries(
          Map.entry("format", Map.entry(2, Wire.STRING)),
          Map.entry("title", Map.entry(3, Wire.STRING)),
          Map.entry("description", Map.entry(4, Wire.STRING)),
          Map.entry("default", Map.entry(5, Wire.ANY)),
          Map.entry("multipleOf", Map.entry(6, Wire.DOUBLE)),
          Map.entry("maximum", Map.entry(7, Wire.DOUBLE)),
          Map.entry("exclusiveMaximum", Map.entry(8, Wire.BOOL)),
          Map.entry("minimum", Map.entry(9, Wire.DOUBLE)),
          Map.entry("exclusiveMinimum", Map.entry(10, Wire.BOOL)),
          Map.entry("maxLength", Map.entry(11, Wire.INT64)),
          Map.entry("minLength", Map.entry(12, Wire.INT64)),
          Map.entry("pattern", Map.entry(13, Wire.STRING)),
          Map.entry("maxItems", Map.entry(14, Wire.INT64)),
          Map.entry("minItems", Map.entry(15, Wire.INT64)),
          Map.entry("uniqueItems", Map.entry(16, Wire.BOOL)),
          Map.entry("maxProperties", Map.entry(17, Wire.INT64)),
          Map.entry("minProperties", Map.entry(18, Wire.INT64)),
          Map.entry("required", Map.entry(19, Wire.STRINGS)),
          Map.entry("enum", Map.entry(20, Wire.ANYS)),
          Map.entry("discriminator", Map.entry(26, Wire.STRING)),
          Map.entry("readOnly", Map.entry(27, Wire.BOOL)),
          Map.entry("example", Map.entry(30, Wire.ANY)));

  private OpenApiV2Protobuf() {}

  /** The protobuf form of a {@code /openapi/v2} JSON document. */
  public static byte[] encode(JsonNode doc) {
    Message m = new Message();
    m.string(DOC_SWAGGER, doc.path("swagger").asText("2.0"));
    JsonNode info = doc.path("info");
    m.message(
        DOC_INFO,
        new Message()
            .string(INFO_TITLE, info.path("title").asText(""))
            .string(INFO_VERSION, info.path("version").asText(""))
            .string(INFO_DESCRIPTION, info.path("description").asText("")));
    m.message(DOC_PATHS, new Message());
    Message defs = new Message();
    for (Map.Entry<String, JsonNode> e : doc.path("definitions").properties()) {
      defs.message(NAMED_LIST, named(e.getKey(), schema(e.getValue())));
    }
    m.message(DOC_DEFINITIONS, defs);
    extensions(m, doc, DOC_VENDOR_EXTENSION);
    return m.bytes();
  }

  static Message schema(JsonNode s) {
    Message m = new Message();
    for (Map.Entry<String, JsonNode> e : s.properties()) {
      String key = e.getKey();
      JsonNode v = e.getValue();
      Map.Entry<Integer, Wire> plain = SCHEMA_FIELDS.get(key);
      if (plain != null) {
        plainField(m, plain.getKey(), plain.getValue(), v);
        continue;
      }
      switch (key) {
        case "$ref" -> m.string(SCHEMA_REF, v.asText());
        case "type" -> {
          Message t = new Message();
          if (v.isArray()) {
            v.forEach(x -> t.string(1, x.asText()));
          } else {
            t.string(1, v.asText());
          }
          m.message(SCHEMA_TYPE, t);
        }
        case "items" -> {
          Message items = new Message();
          if (v.isArray()) {
            v.forEach(x -> items.message(1, schema(x)));
          } else {
            items.message(1, schema(v));
          }
          m.message(SCHEMA_ITEMS, items);
        }
        case "allOf" -> v.forEach(x -> m.message(SCHEMA_ALL_OF, schema(x)));
        case "properties" -> {
          Message props = new Message();
          for (Map.Entry<String, JsonNode> p : v.properties()) {
            props.message(NAMED_LIST, named(p.getKey(), schema(p.getValue())));
          }
          m.message(SCHEMA_PROPERTIES, props);
        }
        case "additionalProperties" -> {
          Message a = new Message();
          if (v.isBoolean()) {
            a.bool(ADDITIONAL_BOOLEAN, v.asBoolean());
          } else {
            a.message(ADDITIONAL_SCHEMA, schema(v));
          }
          m.message(SCHEMA_ADDITIONAL_PROPERTIES, a);
        }
        case "externalDocs" ->
            m.message(
                SCHEMA_EXTERNAL_DOCS,
                new Message()
                    .string(1, v.path("description").asText(""))
                    .string(2, v.path("url").asText("")));
        default -> {}
      }
    }
    extensions(m, s, SCHEMA_VENDOR_EXTENSION);
    return m;
  }

  private static void plainField(Message m, int field, Wire wire, JsonNode v) {
    switch (wire) {
      case STRING -> m.string(field, v.asText());
      case DOUBLE -> m.doubleValue(field, v.asDouble());
      case BOOL -> m.bool(field, v.asBoolean());
      case INT64 -> m.int64(field, v.asLong());
      case STRINGS -> v.forEach(x -> m.string(field, x.asText()));
      case ANY -> m.message(field, any(v));
      case ANYS -> v.forEach(x -> m.message(field, any(x)));
    }
  }

  /** The {@code x-} fields of an object, as gnostic's NamedAny vendor extensions. */
  private static void extensions(Message m, JsonNode obj, int field) {
    for (Map.Entry<String, JsonNode> e : obj.properties()) {
      if (e.getKey().startsWith("x-")) {
        m.message(field, named(e.getKey(), any(e.getValue())));
      }
    }
  }

  private static Message named(String name, Message value) {
    return new Message().string(NAMED_NAME, name).message(NAMED_VALUE, value);
  }

  /** gnostic's Any: the value's YAML text (JSON is YAML). */
  private static Message any(JsonNode v) {
    return new Message().string(ANY_YAML, v.toString() + "\n");
  }

  /** One protobuf message being written; nested messages are written whole, length first. */
  static final class Message {
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private final CodedOutputStream out = CodedOutputStream.newInstance(buf);

    Message string(int field, String v) {
      return write(() -> out.writeString(field, v));
    }

    Message bool(int field, boolean v) {
      return write(() -> out.writeBool(field, v));
    }

    Message int64(int field, long v) {
      return write(() -> out.writeInt64(field, v));
    }

    Message doubleValue(int field, double v) {
      return write(() -> out.writeDouble(field, v));
    }

    Message message(int field, Message m) {
      byte[] b = m.bytes();
      return write(() -> out.writeByteArray(field, b));
    }

    byte[] bytes() {
      write(out::flush);
      return buf.toByteArray();
    }

    private interface Write {
      void run() throws IOException;
    }

    private Message write(Write w) {
      try {
        w.run();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }
  }
}
