package io.k8j.apiserver.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.patch.JsonPatch;
import io.k8j.apiserver.patch.MergePatch;
import io.k8j.apiserver.patch.StrategicMergePatch;
import java.io.IOException;

/** Decodes request bodies (JSON or YAML) and applies patches by their content type. */
public final class Bodies {
  private Bodies() {}

  private static String mediaType(String contentType) {
    if (contentType == null || contentType.isBlank()) {
      return "application/json";
    }
    return contentType.split(";")[0].trim().toLowerCase();
  }

  /** The body as a JSON tree: JSON, or YAML when the content type says so. */
  public static JsonNode tree(byte[] body, String contentType) {
    String type = mediaType(contentType);
    boolean yaml = type.equals("application/yaml") || type.equals("application/apply-patch+yaml");
    if (!yaml && !type.equals("application/json") && !type.endsWith("+json")) {
      throw new ApiException(
          415,
          "UnsupportedMediaType",
          "the body of the request was in an unknown format - accepted media types include:"
              + " application/json, application/yaml",
          null);
    }
    if (body.length == 0) {
      throw ApiException.badRequest("the request body is empty");
    }
    try {
      JsonNode n = (yaml ? Json.YAML : Json.MAPPER).readTree(body);
      if (n == null || n.isMissingNode()) {
        throw ApiException.badRequest("the request body is empty");
      }
      return n;
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest(
          "couldn't get version/kind; json parse error: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw ApiException.badRequest("could not read the request body: " + e.getMessage());
    }
  }

  /** The body as an object; a body that is not an object is a 400. */
  public static ObjectNode object(byte[] body, String contentType) {
    if (ProtobufBodies.isProtobuf(contentType)) {
      return ProtobufBodies.decode(body);
    }
    JsonNode n = tree(body, contentType);
    if (n instanceof ObjectNode o) {
      return o;
    }
    throw ApiException.badRequest(
        "couldn't get version/kind; json parse error: json: cannot unmarshal "
            + (n.isArray() ? "array" : n.isTextual() ? "string" : n.isNumber() ? "number" : "bool")
            + " into Go value of type struct { APIVersion string \"json:\\\"apiVersion,omitempty\\\"\";"
            + " Kind string \"json:\\\"kind,omitempty\\\"\" }");
  }

  /** Applies a PATCH body to the current object according to its content type. */
  public static ObjectNode patch(
      ObjectNode current, byte[] body, String contentType, Class<?> modelType) {
    String type = mediaType(contentType);
    JsonNode patch = tree(body, "application/json");
    JsonNode result;
    try {
      result =
          switch (type) {
            case "application/merge-patch+json" -> MergePatch.apply(current, patch);
            case "application/json-patch+json" -> JsonPatch.apply(current, patch);
            case "application/strategic-merge-patch+json" ->
                StrategicMergePatch.apply(current, patch, modelType);
            default ->
                throw new ApiException(
                    415,
                    "UnsupportedMediaType",
                    "the body of the request was in an unknown format - accepted media types"
                        + " include: application/json-patch+json, application/merge-patch+json,"
                        + " application/strategic-merge-patch+json",
                    null);
          };
    } catch (IllegalArgumentException e) {
      throw new ApiException(422, "Invalid", e.getMessage(), null);
    }
    if (result instanceof ObjectNode o) {
      return o;
    }
    throw ApiException.badRequest("the patch does not produce an object");
  }
}
