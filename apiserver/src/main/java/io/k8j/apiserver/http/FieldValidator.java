package io.k8j.apiserver.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.k8j.apiserver.crd.StructuralSchema;
import io.k8j.apiserver.openapi.ModelSchemas;
import io.k8j.apiserver.registry.ResourceDef;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Decodes a write's body and applies {@code fieldValidation}: Strict rejects unknown and duplicate
 * fields with upstream's {@code strict decoding error: unknown field "spec.foo", duplicate field
 * "replicas"}, Warn (the default) answers them with Warning headers, Ignore says nothing; both drop
 * the unknown fields from the object and keep the last of duplicate fields. Values of the wrong
 * type are always a 400, as upstream's decoder fails on them.
 */
public final class FieldValidator {
  /** JSON that tolerates duplicate fields (the last wins), to report them instead of failing. */
  private static final ObjectMapper LENIENT =
      JsonMapper.builder().disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private final ModelSchemas schemas;

  public FieldValidator(ModelSchemas schemas) {
    this.schemas = schemas;
  }

  /** Decodes a create or update body; a strict failure names the kind, as upstream's decoder. */
  public ObjectNode decode(HttpExchange ex, ResourceDef def, byte[] body) {
    return validate(ex, def, body, true);
  }

  /**
   * Decodes an apply body (JSON or YAML): duplicate fields as the request's field validation says;
   * unknown fields always fail, as upstream's conversion to a typed object does.
   */
  ObjectNode decodeApply(HttpExchange ex, ResourceDef def, byte[] body) {
    return validate(ex, def, body, false);
  }

  private ObjectNode validate(HttpExchange ex, ResourceDef def, byte[] body, boolean decoding) {
    String mode = mode(ex);
    String type = ex.header("Content-Type");
    List<String> problems = new ArrayList<>();
    ObjectNode obj;
    if (!ProtobufBodies.isProtobuf(type) && looksLikeJson(body)) {
      List<String> duplicates = duplicates(body);
      obj = duplicates.isEmpty() ? Bodies.object(body, type) : lenient(body);
      duplicates.forEach(d -> problems.add("duplicate field \"" + d + "\""));
    } else {
      obj = Bodies.object(body, type);
    }
    List<String> unknown = unknownFields(def, obj);
    if (!decoding && !unknown.isEmpty()) {
      throw ApiException.badRequest(
          "failed to create typed patch object ("
              + (def.group().isEmpty() ? "/" : "")
              + def.apiVersion()
              + ", Kind="
              + def.kind()
              + "): ."
              + unknown.getFirst()
              + ": field not declared in schema");
    }
    List<String> all = new ArrayList<>();
    unknown.forEach(f -> all.add("unknown field \"" + f + "\""));
    all.addAll(problems);
    report(ex, mode, all, decoding ? prefix(def) : "");
    drop(def, obj);
    return obj;
  }

  /** Applies the request's field validation to a patch's result. */
  public ObjectNode check(HttpExchange ex, ResourceDef def, ObjectNode obj) {
    String mode = mode(ex);
    List<String> all = new ArrayList<>();
    unknownFields(def, obj).forEach(f -> all.add("unknown field \"" + f + "\""));
    report(ex, mode, all, "");
    drop(def, obj);
    return obj;
  }

  /**
   * Drops the unknown fields Warn and Ignore let through: a built-in kind's as upstream's decoder
   * does, a custom resource's by pruning against its schema (and its metadata against ObjectMeta).
   */
  private void drop(ResourceDef def, ObjectNode obj) {
    if (def.openApiSchema() == null) {
      schemas.prune(def.modelType(), obj);
      return;
    }
    new StructuralSchema(def.openApiSchema()).prune(obj);
    schemas.prune(ObjectMeta.class, obj.path("metadata"));
  }

  private static String mode(HttpExchange ex) {
    String mode = ex.query("fieldValidation");
    if (mode == null || mode.isEmpty()) {
      return "Warn";
    }
    if (!mode.equals("Strict") && !mode.equals("Warn") && !mode.equals("Ignore")) {
      throw ApiException.badRequest(
          "fieldValidation: Unsupported value: \""
              + mode
              + "\": supported values: \"Ignore\","
              + " \"Strict\", \"Warn\"");
    }
    return mode;
  }

  private List<String> unknownFields(ResourceDef def, ObjectNode obj) {
    ModelSchemas.Result check = schemas.check(def.modelType(), obj);
    if (check.typeError() != null) {
      throw ApiException.badRequest(prefix(def) + check.typeError());
    }
    if (def.openApiSchema() == null) {
      return check.unknownFields();
    }
    List<String> unknown = new ArrayList<>();
    unknown.addAll(
        schemas.check(ObjectMeta.class, obj.path("metadata"), "metadata").unknownFields());
    unknown.addAll(new StructuralSchema(def.openApiSchema()).unknownFields(obj));
    return unknown;
  }

  private static void report(HttpExchange ex, String mode, List<String> problems, String prefix) {
    if (problems.isEmpty()) {
      return;
    }
    if (mode.equals("Strict")) {
      throw ApiException.badRequest(
          prefix + "strict decoding error: " + String.join(", ", problems));
    }
    if (mode.equals("Warn")) {
      for (String p : problems) {
        ex.addHeader("Warning", "299 - \"" + p.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
      }
    }
  }

  private static String prefix(ResourceDef def) {
    return def.kind()
        + " in version \""
        + def.version()
        + "\" cannot be handled as a "
        + def.kind()
        + ": ";
  }

  private static boolean looksLikeJson(byte[] body) {
    for (byte b : body) {
      if (!Character.isWhitespace(b)) {
        return b == '{';
      }
    }
    return false;
  }

  private static ObjectNode lenient(byte[] body) {
    try {
      JsonNode n = LENIENT.readTree(body);
      if (n instanceof ObjectNode o) {
        return o;
      }
    } catch (IOException e) {
      // reported below as upstream's decoder reports it
    }
    return Bodies.object(body, "application/json");
  }

  /** The names of the fields that appear twice in one object of a JSON body. */
  static List<String> duplicates(byte[] body) {
    List<String> out = new ArrayList<>();
    try (JsonParser p = LENIENT.getFactory().createParser(body)) {
      Deque<Set<String>> objects = new ArrayDeque<>();
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        switch (t) {
          case START_OBJECT -> objects.push(new HashSet<>());
          case END_OBJECT -> objects.pop();
          case FIELD_NAME -> {
            if (!objects.peek().add(p.currentName()) && !out.contains(p.currentName())) {
              out.add(p.currentName());
            }
          }
          default -> {}
        }
      }
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
    return out;
  }
}
