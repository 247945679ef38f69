package io.k8j.apiserver.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.registry.GroupResource;
import io.k8j.apiserver.registry.validation.FieldError;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A failed API request, answered with a {@code Status} object whose code, reason, message and
 * details match what upstream's {@code apierrors} produce, since kubectl prints them as they are.
 */
public final class ApiException extends RuntimeException {
  private final int code;
  private final String reason;
  private final ObjectNode details;

  public ApiException(int code, String reason, String message, ObjectNode details) {
    super(message, null, false, false);
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  public int code() {
    return code;
  }

  public String reason() {
    return reason;
  }

  /** The Status object for this error. */
  public ObjectNode toStatus() {
    ObjectNode s = Json.object();
    s.put("kind", "Status").put("apiVersion", "v1");
    s.putObject("metadata");
    s.put("status", "Failure").put("message", getMessage()).put("reason", reason);
    if (details != null) {
      s.set("details", details);
    }
    s.put("code", code);
    return s;
  }

  private static ObjectNode details(GroupResource gr, String name) {
    ObjectNode d = Json.object();
    if (name != null && !name.isEmpty()) {
      d.put("name", name);
    }
    if (!gr.group().isEmpty()) {
      d.put("group", gr.group());
    }
    d.put("kind", gr.resource());
    return d;
  }

  public static ApiException notFound(GroupResource gr, String name) {
    return new ApiException(
        404, "NotFound", gr + " " + FieldError.quote(name) + " not found", details(gr, name));
  }

  public static ApiException alreadyExists(GroupResource gr, String name) {
    return new ApiException(
        409,
        "AlreadyExists",
        gr + " " + FieldError.quote(name) + " already exists",
        details(gr, name));
  }

  public static ApiException conflict(GroupResource gr, String name, String why) {
    return new ApiException(
        409,
        "Conflict",
        "Operation cannot be fulfilled on " + gr + " " + FieldError.quote(name) + ": " + why,
        details(gr, name));
  }

  public static ApiException modified(GroupResource gr, String name) {
    return conflict(
        gr,
        name,
        "the object has been modified; please apply your changes to the latest version and try"
            + " again");
  }

  /** 422 Invalid: {@code The Pod "x" is invalid: spec.containers: Required value}. */
  public static ApiException invalid(
      String group, String kind, String name, List<FieldError> errors) {
    String qualifiedKind = group.isEmpty() ? kind : kind + "." + group;
    String aggregate =
        errors.size() == 1
            ? errors.getFirst().toString()
            : errors.stream().map(FieldError::toString).collect(Collectors.joining(", ", "[", "]"));
    ObjectNode d = Json.object();
    d.put("name", name == null ? "" : name);
    if (!group.isEmpty()) {
      d.put("group", group);
    }
    d.put("kind", kind);
    ArrayNode causes = d.putArray("causes");
    for (FieldError e : errors) {
      causes
          .addObject()
          .put("reason", e.type().reason)
          .put("message", e.body())
          .put("field", e.field());
    }
    return new ApiException(
        422,
        "Invalid",
        qualifiedKind
            + " "
            + FieldError.quote(name == null ? "" : name)
            + " is invalid: "
            + aggregate,
        d);
  }

  public static ApiException badRequest(String message) {
    return new ApiException(400, "BadRequest", message, null);
  }

  public static ApiException forbidden(GroupResource gr, String name, String why, ObjectNode d) {
    String what =
        name == null || name.isEmpty() ? gr.toString() : gr + " " + FieldError.quote(name);
    ObjectNode details = d != null ? d : details(gr, name);
    return new ApiException(403, "Forbidden", what + " is forbidden: " + why, details);
  }

  public static ApiException methodNotAllowed(String message) {
    return new ApiException(405, "MethodNotAllowed", message, null);
  }

  public static ApiException gone(String message) {
    return new ApiException(410, "Expired", message, null);
  }

  public static ApiException tooLarge(String message) {
    return new ApiException(413, "RequestEntityTooLarge", message, null);
  }

  public static ApiException notFoundPath() {
    return new ApiException(
        404, "NotFound", "the server could not find the requested resource", null);
  }

  public static ApiException unauthorized() {
    return new ApiException(401, "Unauthorized", "Unauthorized", null);
  }

  public static ApiException tooManyRequests() {
    return new ApiException(
        429, "TooManyRequests", "Too many requests, please try again later.", null);
  }

  public static ApiException timeout(String message) {
    return new ApiException(504, "Timeout", message, null);
  }

  public static ApiException internal(String message) {
    return new ApiException(500, "InternalError", "Internal error occurred: " + message, null);
  }
}
