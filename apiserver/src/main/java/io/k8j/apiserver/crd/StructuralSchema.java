package io.k8j.apiserver.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.registry.validation.FieldError;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One version's {@code openAPIV3Schema} of a CRD, applied to its custom resources as upstream
 * applies a structural schema: {@link #prune} drops the fields the schema does not declare (unless
 * {@code x-kubernetes-preserve-unknown-fields}), {@link #applyDefaults} fills in {@code default}s,
 * and {@link #validate} checks types, {@code required}, {@code enum}, bounds, lengths, patterns,
 * {@code nullable}, int-or-string and embedded resources, one error per field. {@link
 * #unknownFields} names what pruning would drop, for field validation. The root's {@code
 * apiVersion}, {@code kind} and {@code metadata} are the API server's, never pruned or checked
 * here.
 */
public final class StructuralSchema {
  private static final Set<String> ROOT_FIELDS = Set.of("apiVersion", "kind", "metadata");

  private final JsonNode schema;

  public StructuralSchema(JsonNode schema) {
    this.schema = schema == null || schema.isMissingNode() ? Json.object() : schema;
  }

  /** The schema as the CRD declares it. */
  public JsonNode schema() {
    return schema;
  }

  /** Removes the fields the schema does not declare. */
  public void prune(ObjectNode obj) {
    walkUnknown(obj, schema, "", true, true, new ArrayList<>());
  }

  /** The paths of the fields {@link #prune} would remove, in the order found. */
  public List<String> unknownFields(JsonNode obj) {
    List<String> out = new ArrayList<>();
    walkUnknown(obj, schema, "", true, false, out);
    return out;
  }

  /** Fills in the schema's defaults where a field is absent. */
  public void applyDefaults(ObjectNode obj) {
    defaults(obj, schema);
  }

  /** The invalid fields of an object; empty when it is valid. */
  public List<FieldError> validate(JsonNode obj) {
    List<FieldError> errs = new ArrayList<>();
    checkObject(obj, schema, "", true, errs);
    return errs;
  }

  private static boolean preserves(JsonNode s) {
    return s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
  }

  private static void walkUnknown(
      JsonNode node, JsonNode s, String path, boolean root, boolean remove, List<String> out) {
    if (node == null || s == null) {
      return;
    }
    if (node.isArray()) {
      JsonNode items = s.get("items");
      int i = 0;
      for (JsonNode item : node) {
        walkUnknown(item, items, path + "[" + i++ + "]", false, remove, out);
      }
      return;
    }
    if (!node.isObject()) {
      return;
    }
    JsonNode props = s.path("properties");
    JsonNode additional = s.get("additionalProperties");
    boolean embedded = s.path("x-kubernetes-embedded-resource").asBoolean(false);
    boolean keepAll =
        preserves(s) || additional != null && additional.isBoolean() && additional.asBoolean();
    Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      String p = path.isEmpty() ? key : path + "." + key;
      if ((root || embedded) && ROOT_FIELDS.contains(key)) {
        continue;
      }
      if (props.has(key)) {
        walkUnknown(e.getValue(), props.get(key), p, false, remove, out);
      } else if (additional != null && additional.isObject()) {
        walkUnknown(e.getValue(), additional, p, false, remove, out);
      } else if (!keepAll) {
        out.add(p);
        if (remove) {
          it.remove();
        }
      }
    }
  }

  private static void defaults(JsonNode node, JsonNode s) {
    if (node == null || s == null) {
      return;
    }
    if (node.isArray()) {
      JsonNode items = s.get("items");
      if (items != null) {
        node.forEach(item -> defaults(item, items));
      }
      return;
    }
    if (!(node instanceof ObjectNode obj)) {
      return;
    }
    for (Map.Entry<String, JsonNode> p : s.path("properties").properties()) {
      JsonNode d = p.getValue().get("default");
      if (d != null && !obj.has(p.getKey())) {
        obj.set(p.getKey(), d.deepCopy());
      }
      defaults(obj.get(p.getKey()), p.getValue());
    }
    JsonNode additional = s.get("additionalProperties");
    if (additional != null && additional.isObject()) {
      for (Map.Entry<String, JsonNode> e : obj.properties()) {
        if (!s.path("properties").has(e.getKey())) {
          defaults(e.getValue(), additional);
        }
      }
    }
  }

  private static void check(JsonNode v, JsonNode s, String path, List<FieldError> errs) {
    if (s == null || s.isMissingNode()) {
      return;
    }
    if (v.isNull()) {
      if (!s.path("nullable").asBoolean(false) && s.has("type")) {
        errs.add(typeError(path, s.get("type").asText(), "null"));
      }
      return;
    }
    if (s.path("x-kubernetes-int-or-string").asBoolean(false)) {
      if (!v.isIntegralNumber() && !v.isTextual()) {
        errs.add(typeError(path, "integer,string", kind(v)));
        return;
      }
    } else if (s.has("type") && !typeMatches(s.get("type").asText(), v)) {
      errs.add(typeError(path, s.get("type").asText(), kind(v)));
      return;
    }
    JsonNode e = s.get("enum");
    if (e != null && e.isArray()) {
      boolean found = false;
      List<String> allowed = new ArrayList<>();
      for (JsonNode x : e) {
        found |= x.equals(v) || x.isNumber() && v.isNumber() && x.asDouble() == v.asDouble();
        allowed.add(x.asText());
      }
      if (!found) {
        errs.add(FieldError.notSupported(path, value(v), allowed));
        return;
      }
    }
    if (v.isNumber()) {
      checkBounds(v, s, path, errs);
    } else if (v.isTextual()) {
      checkString(v.asText(), s, path, errs);
    } else if (v.isArray()) {
      checkArray(v, s, path, errs);
    } else if (v.isObject()) {
      checkObject(v, s, path, false, errs);
    }
  }

  private static void checkBounds(JsonNode v, JsonNode s, String path, List<FieldError> errs) {
    double d = v.asDouble();
    JsonNode max = s.get("maximum");
    if (max != null) {
      boolean exclusive = s.path("exclusiveMaximum").asBoolean(false);
      if (exclusive ? d >= max.asDouble() : d > max.asDouble()) {
        errs.add(
            FieldError.invalid(
                path,
                value(v),
                path
                    + " in body should be less than "
                    + (exclusive ? "" : "or equal to ")
                    + number(max)));
      }
    }
    JsonNode min = s.get("minimum");
    if (min != null) {
      boolean exclusive = s.path("exclusiveMinimum").asBoolean(false);
      if (exclusive ? d <= min.asDouble() : d < min.asDouble()) {
        errs.add(
            FieldError.invalid(
                path,
                value(v),
                path
                    + " in body should be greater than "
                    + (exclusive ? "" : "or equal to ")
                    + number(min)));
      }
    }
    JsonNode multiple = s.get("multipleOf");
    if (multiple != null && multiple.asDouble() != 0 && d % multiple.asDouble() != 0) {
      errs.add(
          FieldError.invalid(
              path, value(v), path + " in body should be a multiple of " + number(multiple)));
    }
  }

  private static void checkString(String text, JsonNode s, String path, List<FieldError> errs) {
    int length = text.codePointCount(0, text.length());
    if (s.has("maxLength") && length > s.get("maxLength").asInt()) {
      errs.add(FieldError.tooLong(path, s.get("maxLength").asInt()));
    }
    if (s.has("minLength") && length < s.get("minLength").asInt()) {
      errs.add(
          FieldError.invalid(
              path,
              text,
              path + " in body should be at least " + s.get("minLength").asInt() + " chars long"));
    }
    if (s.has("pattern")) {
      String pattern = s.get("pattern").asText();
      try {
        if (!Pattern.compile(pattern).matcher(text).find()) {
          errs.add(
              FieldError.invalid(path, text, path + " in body should match '" + pattern + "'"));
        }
      } catch (PatternSyntaxException e) {
        errs.add(
            FieldError.invalid(path, text, "the schema's pattern does not compile: " + pattern));
      }
    }
  }

  private static void checkArray(JsonNode v, JsonNode s, String path, List<FieldError> errs) {
    if (s.has("maxItems") && v.size() > s.get("maxItems").asInt()) {
      errs.add(
          new FieldError(
              FieldError.Type.TOO_MANY,
              path,
              v.size(),
              "must have at most " + s.get("maxItems").asInt() + " items"));
    }
    if (s.has("minItems") && v.size() < s.get("minItems").asInt()) {
      errs.add(
          FieldError.invalid(
              path,
              v.size(),
              path + " in body should have at least " + s.get("minItems").asInt() + " items"));
    }
    JsonNode items = s.get("items");
    int i = 0;
    for (JsonNode item : v) {
      check(item, items, path + "[" + i++ + "]", errs);
    }
  }

  private static void checkObject(
      JsonNode v, JsonNode s, String path, boolean root, List<FieldError> errs) {
    if (!v.isObject()) {
      return;
    }
    String prefix = path.isEmpty() ? "" : path + ".";
    for (JsonNode r : s.path("required")) {
      if (!v.has(r.asText()) && !(root && ROOT_FIELDS.contains(r.asText()))) {
        errs.add(FieldError.required(prefix + r.asText(), ""));
      }
    }
    if (s.path("x-kubernetes-embedded-resource").asBoolean(false)) {
      for (String f : List.of("apiVersion", "kind")) {
        if (v.path(f).asText("").isEmpty()) {
          errs.add(FieldError.required(prefix + f, "must not be empty"));
        }
      }
    }
    JsonNode props = s.path("properties");
    JsonNode additional = s.get("additionalProperties");
    for (Map.Entry<String, JsonNode> e : v.properties()) {
      String key = e.getKey();
      if (root && ROOT_FIELDS.contains(key)) {
        continue;
      }
      if (props.has(key)) {
        check(e.getValue(), props.get(key), prefix + key, errs);
      } else if (additional != null && additional.isObject()) {
        check(e.getValue(), additional, prefix + key, errs);
      }
    }
  }

  private static boolean typeMatches(String type, JsonNode v) {
    return switch (type) {
      case "object" -> v.isObject();
      case "array" -> v.isArray();
      case "string" -> v.isTextual();
      case "integer" ->
          v.isIntegralNumber() || v.isNumber() && v.asDouble() == Math.rint(v.asDouble());
      case "number" -> v.isNumber();
      case "boolean" -> v.isBoolean();
      default -> true;
    };
  }

  private static FieldError typeError(String path, String type, String actual) {
    return FieldError.invalid(
        path, actual, path + " in body must be of type " + type + ": \"" + actual + "\"");
  }

  /** The JSON type of a value, as upstream's validator names it. */
  private static String kind(JsonNode v) {
    if (v.isTextual()) {
      return "string";
    } else if (v.isIntegralNumber()) {
      return "integer";
    } else if (v.isNumber()) {
      return "number";
    } else if (v.isBoolean()) {
      return "boolean";
    } else if (v.isArray()) {
      return "array";
    } else if (v.isNull()) {
      return "null";
    }
    return "object";
  }

  /** A value as a field error prints it: strings quoted, numbers and the rest as they are. */
  private static Object value(JsonNode v) {
    if (v.isTextual()) {
      return v.asText();
    } else if (v.isIntegralNumber()) {
      return v.asLong();
    } else if (v.isNumber()) {
      return v.asDouble();
    } else if (v.isBoolean()) {
      return v.asBoolean();
    }
    return new FieldError.Raw(v.toString());
  }

  private static String number(JsonNode n) {
    double d = n.asDouble();
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
