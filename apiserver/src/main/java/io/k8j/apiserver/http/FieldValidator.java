package io.k8j.apiserver.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.openapi.ModelSchemas;
import io.k8j.apiserver.registry.ResourceDef;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Decodes a create or update body and applies {@code fieldValidation}: Strict rejects unknown
 * fields with upstream's {@code strict decoding error}, Warn (the default) answers them with
 * Warning headers, Ignore drops nothing and says nothing. Values of the wrong type are always a
 * 400, as upstream's decoder fails on them.
 */
public final class FieldValidator {
  private final ModelSchemas schemas;

  public FieldValidator(ModelSchemas schemas) {
    this.schemas = schemas;
  }

  public ObjectNode decode(HttpExchange ex, ResourceDef def, byte[] body) {
    return check(ex, def, Bodies.object(body, ex.header("Content-Type")));
  }

  /** Applies the request's field validation to an object (a decoded body or a patch's result). */
  public ObjectNode check(HttpExchange ex, ResourceDef def, ObjectNode obj) {
    String mode = ex.query("fieldValidation");
    if (mode == null || mode.isEmpty()) {
      mode = "Warn";
    }
    if (!mode.equals("Strict") && !mode.equals("Warn") && !mode.equals("Ignore")) {
      throw ApiException.badRequest(
          "fieldValidation: Unsupported value: \""
              + mode
              + "\": supported values: \"Ignore\","
              + " \"Strict\", \"Warn\"");
    }
    ModelSchemas.Result check = schemas.check(def.modelType(), obj);
    if (check.typeError() != null) {
      throw ApiException.badRequest(
          def.kind()
              + " in version \""
              + def.version()
              + "\" cannot be handled as a "
              + def.kind()
              + ": "
              + check.typeError());
    }
    List<String> unknown = check.unknownFields();
    if (!unknown.isEmpty()) {
      if (mode.equals("Strict")) {
        throw ApiException.badRequest(
            "strict decoding error: "
                + unknown.stream()
                    .map(f -> "unknown field \"" + f + "\"")
                    .collect(Collectors.joining(", ")));
      }
      if (mode.equals("Warn")) {
        for (String f : unknown) {
          ex.addHeader("Warning", "299 - \"unknown field \\\"" + f + "\\\"\"");
        }
      }
    }
    return obj;
  }
}
