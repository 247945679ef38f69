package io.k8j.apiserver.openapi;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import io.k8j.apiserver.Json;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fields of each kind, read from its fabric8 model class through Jackson's introspection, used
 * to find the unknown fields of a body and values of the wrong type, with the messages upstream's
 * decoder gives: {@code unknown field "spec.foo"} and {@code json: cannot unmarshal string into Go
 * struct field DeploymentSpec.spec.replicas of type int32}.
 */
public final class ModelSchemas {
  /**
   * What a check found.
   *
   * @param typeError the first value of the wrong type, or null
   * @param unknownFields the paths of fields the kind does not have
   */
  public record Result(String typeError, List<String> unknownFields) {}

  private static final Result OK = new Result(null, List.of());
  private static final java.util.regex.Pattern QUANTITY =
      java.util.regex.Pattern.compile("^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$");

  private final ObjectMapper mapper = Json.MAPPER;
  private final Map<Class<?>, Map<String, JavaType>> properties = new ConcurrentHashMap<>();

  public Result check(Class<?> type, JsonNode obj) {
    return check(type, obj, "");
  }

  /** Checks {@code obj}, found at {@code path} of a larger object ("" at the root). */
  public Result check(Class<?> type, JsonNode obj, String path) {
    if (type == null || !obj.isObject()) {
      return OK;
    }
    Walk w = new Walk(false);
    w.bean(mapper.constructType(type), obj, path);
    return new Result(w.typeError, List.copyOf(w.unknown));
  }

  /**
   * Drops the fields the kind does not have, as upstream's decoder drops them when it decodes into
   * the typed object; values of the wrong type are left for {@link #check} to report.
   */
  public void prune(Class<?> type, JsonNode obj) {
    if (type != null && obj.isObject()) {
      new Walk(true).bean(mapper.constructType(type), obj, "");
    }
  }

  /** The JSON properties of a model class and their types. */
  public Map<String, JavaType> propertiesOf(JavaType type) {
    return properties.computeIfAbsent(
        type.getRawClass(),
        c -> {
          BeanDescription desc = mapper.getDeserializationConfig().introspect(type);
          Map<String, JavaType> m = new LinkedHashMap<>();
          for (BeanPropertyDefinition p : desc.findProperties()) {
            if (p.hasSetter() || p.hasField() || p.hasConstructorParameter()) {
              m.put(p.getName(), p.getPrimaryType());
            }
          }
          return m;
        });
  }

  /** Whether this type holds one JSON value: a string, number, boolean, enum or timestamp. */
  static boolean leaf(JavaType t) {
    Class<?> c = t.getRawClass();
    return c.isPrimitive()
        || c == String.class
        || c == Boolean.class
        || Number.class.isAssignableFrom(c)
        || c.isEnum()
        || java.time.temporal.TemporalAccessor.class.isAssignableFrom(c);
  }

  /** Whether values of this type are taken as they come (free-form, int-or-string, quantities). */
  static boolean opaque(JavaType t) {
    Class<?> c = t.getRawClass();
    String n = c.getName();
    return c == Object.class
        || JsonNode.class.isAssignableFrom(c)
        || c.isInterface()
            && !Collection.class.isAssignableFrom(c)
            && !Map.class.isAssignableFrom(c)
        || n.endsWith(".Quantity")
        || n.endsWith(".IntOrString")
        || n.endsWith(".RawExtension")
        || n.endsWith(".FieldsV1")
        || n.endsWith(".MicroTime")
        || n.endsWith(".Duration")
        || n.endsWith(".JSONSchemaPropsOrBool")
        || n.endsWith(".JSONSchemaPropsOrArray")
        || n.endsWith(".JSONSchemaPropsOrStringArray")
        || n.endsWith(".AnyType");
  }

  private final class Walk {
    final boolean remove;
    String typeError;
    final List<String> unknown = new ArrayList<>();

    Walk(boolean remove) {
      this.remove = remove;
    }

    void bean(JavaType type, JsonNode node, String path) {
      Map<String, JavaType> props = propertiesOf(type);
      String owner = type.getRawClass().getSimpleName();
      Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        String p = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
        JavaType ft = props.get(e.getKey());
        if (ft == null) {
          unknown.add(p);
          if (remove) {
            it.remove();
          }
        } else {
          value(ft, e.getValue(), p, owner);
        }
      }
    }

    void value(JavaType t, JsonNode v, String path, String owner) {
      if (v.isNull() || typeError != null && !remove) {
        return;
      }
      if (t.getRawClass().getName().endsWith(".Quantity")) {
        if (v.isTextual() && !QUANTITY.matcher(v.asText().trim()).matches()) {
          typeError = "quantities must match the regular expression '" + QUANTITY.pattern() + "'";
        }
        return;
      }
      if (opaque(t)) {
        return;
      }
      Class<?> c = t.getRawClass();
      boolean ok;
      if (c == String.class) {
        ok = v.isTextual();
      } else if (c == Integer.class
          || c == int.class
          || c == Long.class
          || c == long.class
          || c == Short.class
          || c == short.class) {
        ok = v.isIntegralNumber() || v.isNumber() && v.asDouble() == Math.rint(v.asDouble());
      } else if (c == Boolean.class || c == boolean.class) {
        ok = v.isBoolean();
      } else if (c == Double.class || c == double.class || c == Float.class || c == float.class) {
        ok = v.isNumber();
      } else if (t.isCollectionLikeType() || t.isArrayType()) {
        ok = v.isArray();
        if (ok) {
          int i = 0;
          for (JsonNode item : v) {
            value(t.getContentType(), item, path + "[" + i++ + "]", owner);
          }
        }
      } else if (t.isMapLikeType()) {
        ok = v.isObject();
        if (ok) {
          for (Map.Entry<String, JsonNode> e : v.properties()) {
            value(t.getContentType(), e.getValue(), path + "." + e.getKey(), owner);
          }
        }
      } else if (c.isEnum() || Number.class.isAssignableFrom(c)) {
        ok = true;
      } else if (java.time.temporal.TemporalAccessor.class.isAssignableFrom(c)) {
        // a MicroTime such as a Lease's acquireTime: the model types it as ZonedDateTime
        ok = v.isTextual();
      } else {
        ok = v.isObject();
        if (ok) {
          bean(t, v, path);
        }
      }
      if (!ok && typeError == null) {
        typeError =
            "json: cannot unmarshal "
                + jsonKind(v)
                + " into Go struct field "
                + owner
                + "."
                + path
                + " of type "
                + goType(t);
      }
    }
  }

  private static String jsonKind(JsonNode v) {
    if (v.isTextual()) {
      return "string";
    } else if (v.isNumber()) {
      return v.isIntegralNumber() ? "number" : "number " + v.asText();
    } else if (v.isBoolean()) {
      return "bool";
    } else if (v.isArray()) {
      return "array";
    }
    return "object";
  }

  static String goType(JavaType t) {
    Class<?> c = t.getRawClass();
    if (c == String.class) {
      return "string";
    } else if (c == Integer.class || c == int.class) {
      return "int32";
    } else if (c == Long.class || c == long.class) {
      return "int64";
    } else if (c == Boolean.class || c == boolean.class) {
      return "bool";
    } else if (c == Double.class || c == double.class || c == Float.class || c == float.class) {
      return "float64";
    } else if (t.isCollectionLikeType() || t.isArrayType()) {
      return "[]" + goType(t.getContentType());
    } else if (t.isMapLikeType()) {
      return "map[string]" + goType(t.getContentType());
    }
    return "v1." + c.getSimpleName();
  }
}
