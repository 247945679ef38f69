package io.k8j.apiserver.openapi;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.patch.PatchStrategies;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The OpenAPI v3 component schemas of the fabric8 model classes, named as upstream names them
 * ({@code io.k8s.api.apps.v1.DeploymentSpec}): properties and their types from the classes, the
 * descriptions, required fields and string formats from upstream's documentation ({@link
 * ModelDocs}), and the patch merge keys and strategies of {@link PatchStrategies}. Schemas are
 * collected into a map that one document's {@code components.schemas} becomes.
 */
public final class ComponentSchemas {
  static final String REF = "#/components/schemas/";
  private static final String META = "io.k8s.apimachinery.pkg.apis.meta.v1.";
  private static final String FABRIC8 = "io.fabric8.kubernetes.api.model.";
  private static final Set<String> META_TYPES =
      Set.of(
          "ObjectMeta",
          "ListMeta",
          "LabelSelector",
          "LabelSelectorRequirement",
          "OwnerReference",
          "ManagedFieldsEntry",
          "Condition",
          "Status",
          "StatusDetails",
          "StatusCause",
          "DeleteOptions",
          "Preconditions",
          "APIResource",
          "WatchEvent");

  private final ModelSchemas models;
  private final ModelDocs docs;

  /** Every schema built so far, by name; built once, shared by every document. */
  private final Map<String, ObjectNode> built = new java.util.HashMap<>();

  public ComponentSchemas(ModelSchemas models, ModelDocs docs) {
    this.models = models;
    this.docs = docs;
  }

  /** The documentation this builder reads. */
  public ModelDocs docs() {
    return docs;
  }

  /**
   * Adds the schema of {@code type} and of every type it refers to into {@code out}, and returns
   * the name of its schema.
   *
   * @param version the API version of the kind the type belongs to, for classes whose package does
   *     not say it
   */
  public String add(Class<?> type, String version, Map<String, ObjectNode> out) {
    String name = name(type, version);
    synchronized (built) {
      if (!built.containsKey(name)) {
        bean(Json.MAPPER.constructType(type), name, version, built);
      }
    }
    copyWithReferences(name, out);
    return name;
  }

  /**
   * Copies a built schema and every schema it refers to, directly or not, into {@code out}. The
   * schemas are shared between documents and must not be changed.
   */
  private void copyWithReferences(String name, Map<String, ObjectNode> out) {
    java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(List.of(name));
    while (!todo.isEmpty()) {
      String n = todo.pop();
      ObjectNode schema = built.get(n);
      if (schema != null && out.putIfAbsent(n, schema) == null) {
        for (JsonNode ref : schema.findValues("$ref")) {
          // a property may be named $ref too (JSONSchemaProps has one): only references count
          if (ref.isTextual() && ref.asText().startsWith(REF)) {
            todo.push(ref.asText().substring(REF.length()));
          }
        }
      }
    }
  }

  /** Upstream's definition name of a fabric8 model class. */
  static String name(Class<?> type, String version) {
    String pkg = type.getPackageName();
    String simple = type.getSimpleName();
    if (pkg.equals("io.fabric8.kubernetes.api.model")) {
      return META_TYPES.contains(simple) ? META + simple : "io.k8s.api.core.v1." + simple;
    }
    if (!pkg.startsWith(FABRIC8)) {
      return pkg + "." + simple;
    }
    String[] parts = pkg.substring(FABRIC8.length()).split("\\.");
    String group = parts[0];
    String v =
        parts.length > 1 && parts[parts.length - 1].matches("v\\d.*")
            ? parts[parts.length - 1]
            : version;
    if (group.equals("apiextensions")) {
      return "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions." + v + "." + simple;
    }
    return "io.k8s.api." + group + "." + v + "." + simple;
  }

  /**
   * The documentation of a schema: the Java client's names are the version and kind, or the group
   * too.
   */
  JsonNode docsOf(String schemaName) {
    String[] parts = schemaName.split("\\.");
    String simple = parts[parts.length - 1];
    String version = capitalize(parts[parts.length - 2]);
    String group = capitalize(parts[parts.length - 3]);
    return docs.type(group + version + simple, version + simple);
  }

  private void bean(JavaType type, String name, String version, Map<String, ObjectNode> out) {
    ObjectNode schema = Json.object();
    out.put(name, schema);
    JsonNode doc = docsOf(name);
    if (doc.has("description")) {
      schema.put("description", doc.get("description").asText());
    }
    ObjectNode props = Json.object();
    Map<String, JavaType> fields = new TreeMap<>(models.propertiesOf(type));
    for (Map.Entry<String, JavaType> f : fields.entrySet()) {
      String field = f.getKey();
      ObjectNode p = value(f.getValue(), doc.path("formats").path(field).asText(""), version, out);
      String description = doc.path("fields").path(field).asText("");
      if (description.isEmpty()) {
        description = docs.protoField(name, field);
      }
      if (!description.isEmpty()) {
        p = withDescription(p, description);
      }
      patchStrategy(p, PatchStrategies.field(type, field), f.getValue());
      props.set(field, p);
    }
    JsonNode required = doc.path("required");
    if (required.isArray() && !required.isEmpty()) {
      ArrayNode r = schema.putArray("required");
      required.forEach(
          x -> {
            if (fields.containsKey(x.asText())) r.add(x.asText());
          });
    }
    if (!props.isEmpty()) {
      schema.set("properties", props);
    }
    schema.put("type", "object");
  }

  private static ObjectNode withDescription(ObjectNode p, String description) {
    if (p.has("$ref")) {
      ObjectNode wrapped = Json.object();
      wrapped.putArray("allOf").add(p);
      p = wrapped;
    }
    return p.put("description", description);
  }

  private static void patchStrategy(ObjectNode p, PatchStrategies.Field f, JavaType type) {
    if (f.merge() || f.retainKeys()) {
      String s =
          f.merge() && f.retainKeys() ? "merge,retainKeys" : f.merge() ? "merge" : "retainKeys";
      p.put("x-kubernetes-patch-strategy", s);
    }
    if (f.mergeKey() != null) {
      p.put("x-kubernetes-patch-merge-key", f.mergeKey());
    }
    if (type.isCollectionLikeType()) {
      if (f.mergeKey() != null) {
        p.put("x-kubernetes-list-type", "map");
        p.putArray("x-kubernetes-list-map-keys").add(f.mergeKey());
      } else if (f.merge()) {
        p.put("x-kubernetes-list-type", "set");
      } else {
        p.put("x-kubernetes-list-type", "atomic");
      }
    }
  }

  private ObjectNode value(JavaType t, String format, String version, Map<String, ObjectNode> out) {
    Class<?> c = t.getRawClass();
    String n = c.getName();
    if (format.equals("date-time")
        || n.endsWith(".MicroTime")
        || java.time.temporal.TemporalAccessor.class.isAssignableFrom(c)) {
      return ref(META + (n.endsWith(".MicroTime") ? "MicroTime" : "Time"), out);
    } else if (format.equals("int-or-string") || n.endsWith(".IntOrString")) {
      return ref("io.k8s.apimachinery.pkg.util.intstr.IntOrString", out);
    } else if (format.equals("quantity") || n.endsWith(".Quantity")) {
      return ref("io.k8s.apimachinery.pkg.api.resource.Quantity", out);
    } else if (n.endsWith(".FieldsV1")) {
      return ref(META + "FieldsV1", out);
    } else if (n.endsWith(".RawExtension")) {
      return ref("io.k8s.apimachinery.pkg.runtime.RawExtension", out);
    } else if (c == String.class || c.isEnum()) {
      return Json.object().put("type", "string");
    } else if (c == Integer.class || c == int.class || c == Short.class || c == short.class) {
      return Json.object().put("type", "integer").put("format", "int32");
    } else if (c == Long.class || c == long.class) {
      return Json.object().put("type", "integer").put("format", "int64");
    } else if (c == Boolean.class || c == boolean.class) {
      return Json.object().put("type", "boolean");
    } else if (c == Double.class || c == double.class || c == Float.class || c == float.class) {
      return Json.object().put("type", "number").put("format", "double");
    } else if (t.isCollectionLikeType() || t.isArrayType()) {
      ObjectNode a = Json.object().put("type", "array");
      a.set("items", value(t.getContentType(), "", version, out));
      return a;
    } else if (t.isMapLikeType()) {
      ObjectNode m = Json.object().put("type", "object");
      m.set("additionalProperties", value(t.getContentType(), format, version, out));
      return m;
    } else if (ModelSchemas.opaque(t) || ModelSchemas.leaf(t)) {
      return Json.object().put("type", "object").put("x-kubernetes-preserve-unknown-fields", true);
    }
    String name = name(c, version);
    if (!out.containsKey(name)) {
      bean(t, name, version, out);
    }
    return Json.object().put("$ref", REF + name);
  }

  /** A reference to one of the string types every document shares. */
  private static ObjectNode ref(String name, Map<String, ObjectNode> out) {
    out.computeIfAbsent(name, ComponentSchemas::sharedType);
    return Json.object().put("$ref", REF + name);
  }

  private static ObjectNode sharedType(String name) {
    String simple = name.substring(name.lastIndexOf('.') + 1);
    ObjectNode s = Json.object();
    switch (simple) {
      case "Time", "MicroTime" -> s.put("type", "string").put("format", "date-time");
      case "IntOrString" -> s.put("type", "string").put("format", "int-or-string");
      case "Quantity" -> s.put("type", "string").put("format", "quantity");
      case "FieldsV1" -> s.put("type", "object");
      default -> s.put("type", "object").put("x-kubernetes-preserve-unknown-fields", true);
    }
    return s;
  }

  private static String capitalize(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
