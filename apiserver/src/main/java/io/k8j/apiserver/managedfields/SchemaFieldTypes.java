package io.k8j.apiserver.managedfields;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.ArrayList;
import java.util.List;

/**
 * Field types of custom resources, from their CRD's {@code openAPIV3Schema} as upstream converts a
 * structural schema for structured-merge-diff: arrays are atomic unless {@code
 * x-kubernetes-list-type} is {@code set} or {@code map} (keyed by {@code
 * x-kubernetes-list-map-keys}, missing keys taking their schema {@code default}); objects are
 * granular unless {@code x-kubernetes-map-type: atomic}; what the schema leaves open ({@code
 * x-kubernetes-preserve-unknown-fields}, no schema) is deduced from the value. The root's and an
 * embedded resource's {@code apiVersion}, {@code kind} and {@code metadata} are typed as the API
 * server's own.
 */
public final class SchemaFieldTypes {
  private static final FieldType SCALAR = FieldType.of(FieldType.Kind.SCALAR);
  private static final FieldType ATOMIC = FieldType.of(FieldType.Kind.ATOMIC);

  private SchemaFieldTypes() {}

  /** The field type of a custom resource whose version has {@code schema}. */
  public static FieldType of(JsonNode schema) {
    return new ObjectType(
        schema == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : schema,
        true);
  }

  static FieldType typeOf(JsonNode s) {
    if (s == null || s.isMissingNode() || s.isEmpty()) {
      return FieldType.DEDUCED;
    }
    if (s.path("x-kubernetes-int-or-string").asBoolean(false)) {
      return SCALAR;
    }
    String type = s.path("type").asText("");
    switch (type) {
      case "array" -> {
        return arrayType(s);
      }
      case "object" -> {
        if ("atomic".equals(s.path("x-kubernetes-map-type").asText(""))) {
          return ATOMIC;
        }
        return new ObjectType(s, s.path("x-kubernetes-embedded-resource").asBoolean(false));
      }
      case "" -> {
        return s.has("properties") || s.has("additionalProperties")
            ? new ObjectType(s, false)
            : FieldType.DEDUCED;
      }
      default -> {
        return SCALAR;
      }
    }
  }

  private static FieldType arrayType(JsonNode s) {
    FieldType element = typeOf(s.get("items"));
    return switch (s.path("x-kubernetes-list-type").asText("atomic")) {
      case "set" -> new ListType(FieldType.Kind.LIST_SET, element, List.of(), s.get("items"));
      case "map" -> {
        List<String> keys = new ArrayList<>();
        s.path("x-kubernetes-list-map-keys").forEach(k -> keys.add(k.asText()));
        yield keys.isEmpty()
            ? ATOMIC
            : new ListType(FieldType.Kind.LIST_MAP, element, List.copyOf(keys), s.get("items"));
      }
      default -> ATOMIC;
    };
  }

  /**
   * An object of the schema: its {@code properties} are declared fields; other keys take the type
   * of {@code additionalProperties}, or are deduced.
   */
  private static final class ObjectType extends StructType {
    private final JsonNode schema;
    private final boolean resource;

    ObjectType(JsonNode schema, boolean resource) {
      this.schema = schema;
      this.resource = resource;
    }

    @Override
    public boolean declares(String name) {
      return schema.path("properties").has(name)
          || resource
              && (name.equals("apiVersion") || name.equals("kind") || name.equals("metadata"));
    }

    @Override
    FieldType resolve(String name) {
      if (resource && name.equals("metadata")) {
        return ModelFieldTypes.of(ObjectMeta.class);
      }
      if (resource && (name.equals("apiVersion") || name.equals("kind"))) {
        return SCALAR;
      }
      JsonNode p = schema.path("properties").get(name);
      if (p != null) {
        return typeOf(p);
      }
      JsonNode additional = schema.get("additionalProperties");
      return additional != null && additional.isObject() ? typeOf(additional) : FieldType.DEDUCED;
    }
  }

  private record ListType(Kind kind, FieldType element, List<String> keys, JsonNode items)
      implements FieldType {
    @Override
    public String keyDefault(String key) {
      JsonNode d = items == null ? null : items.path("properties").path(key).get("default");
      return d == null || d.isContainerNode() ? null : d.asText();
    }
  }
}
