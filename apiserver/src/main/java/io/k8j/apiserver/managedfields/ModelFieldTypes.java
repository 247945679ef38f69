package io.k8j.apiserver.managedfields;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.patch.PatchStrategies;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Field types of the built-in kinds, from their fabric8 model classes: structs and maps are
 * granular; lists that merge by a patch merge key are associative lists keyed by it (or by
 * upstream's {@code x-kubernetes-list-map-keys} where those name more keys, as for ports); lists of
 * primitives that merge are sets; every other list is atomic, as upstream's schema conversion makes
 * them. Label selectors are atomic, as upstream's {@code +structType=atomic}.
 */
public final class ModelFieldTypes {
  private static final Map<String, List<String>> LIST_MAP_KEYS =
      Map.of(
          "Container.ports", List.of("containerPort", "protocol"),
          "EphemeralContainer.ports", List.of("containerPort", "protocol"),
          "ServiceSpec.ports", List.of("port", "protocol"),
          "PodSpec.topologySpreadConstraints", List.of("topologyKey", "whenUnsatisfiable"));

  private static final List<String> ATOMIC_STRUCTS = List.of("LabelSelector");

  private static final Map<JavaType, FieldType> CACHE = new ConcurrentHashMap<>();

  private ModelFieldTypes() {}

  /** The field type of objects of the model class {@code type}; DEDUCED when null. */
  public static FieldType of(Class<?> type) {
    return type == null ? FieldType.DEDUCED : of(Json.MAPPER.constructType(type));
  }

  static FieldType of(JavaType type) {
    FieldType cached = CACHE.get(type);
    if (cached != null) {
      return cached;
    }
    FieldType t = build(type);
    CACHE.put(type, t);
    return t;
  }

  private static FieldType build(JavaType type) {
    Class<?> c = type.getRawClass();
    if (opaque(c)) {
      return FieldType.DEDUCED;
    }
    if (scalar(c)) {
      return FieldType.of(FieldType.Kind.SCALAR);
    }
    if (type.isCollectionLikeType() || type.isArrayType()) {
      return FieldType.of(FieldType.Kind.ATOMIC);
    }
    if (type.isMapLikeType()) {
      FieldType value = of(type.getContentType());
      return new FieldType() {
        @Override
        public Kind kind() {
          return Kind.MAP;
        }

        @Override
        public FieldType field(String name) {
          return value;
        }
      };
    }
    if (ATOMIC_STRUCTS.contains(c.getSimpleName())) {
      return FieldType.of(FieldType.Kind.ATOMIC);
    }
    return new Struct(type);
  }

  private static boolean opaque(Class<?> c) {
    String n = c.getName();
    return c == Object.class
        || JsonNode.class.isAssignableFrom(c)
        || n.endsWith(".RawExtension")
        || n.endsWith(".FieldsV1")
        || n.endsWith(".JSONSchemaProps");
  }

  private static boolean scalar(Class<?> c) {
    String n = c.getName();
    return c.isPrimitive()
        || c == String.class
        || c == Boolean.class
        || c.isEnum()
        || Number.class.isAssignableFrom(c)
        || java.time.temporal.TemporalAccessor.class.isAssignableFrom(c)
        || n.endsWith(".Quantity")
        || n.endsWith(".IntOrString")
        || n.endsWith(".MicroTime")
        || n.endsWith(".Duration")
        || c.isInterface()
            && !Collection.class.isAssignableFrom(c)
            && !Map.class.isAssignableFrom(c);
  }

  /** A model class: its fields, with the list types their patch strategies give. */
  private static final class Struct extends StructType {
    private final JavaType type;
    private volatile Map<String, JavaType> props;

    Struct(JavaType type) {
      this.type = type;
    }

    @Override
    public boolean declares(String name) {
      return properties().containsKey(name);
    }

    @Override
    FieldType resolve(String name) {
      PatchStrategies.Field f = PatchStrategies.field(type, name);
      JavaType ft = f.type();
      if (ft == null) {
        return leafOrDeduced(name);
      }
      if (!(ft.isCollectionLikeType() || ft.isArrayType())) {
        return of(ft);
      }
      FieldType element = of(ft.getContentType());
      List<String> keys =
          LIST_MAP_KEYS.getOrDefault(
              type.getRawClass().getSimpleName() + "." + name,
              f.mergeKey() == null ? List.of() : List.of(f.mergeKey()));
      if (!f.merge()) {
        return FieldType.of(Kind.ATOMIC);
      }
      if (keys.isEmpty()) {
        return new ListType(Kind.LIST_SET, element, keys);
      }
      return new ListType(Kind.LIST_MAP, element, keys);
    }

    private FieldType leafOrDeduced(String name) {
      Map<String, JavaType> props = properties();
      JavaType t = props.get(name);
      return t == null ? FieldType.DEDUCED : of(t);
    }

    private Map<String, JavaType> properties() {
      Map<String, JavaType> p = props;
      if (p == null) {
        p = new java.util.HashMap<>();
        for (var d : Json.MAPPER.getDeserializationConfig().introspect(type).findProperties()) {
          p.put(d.getName(), d.getPrimaryType());
        }
        props = p;
      }
      return p;
    }
  }

  private record ListType(Kind kind, FieldType element, List<String> keys) implements FieldType {
    @Override
    public String keyDefault(String key) {
      return key.equals("protocol") ? "TCP" : null;
    }
  }
}
