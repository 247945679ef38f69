package io.k8j.apiserver.registry.validation;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One invalid field, as apimachinery's {@code field.Error}: a type, the field path, the bad value
 * and a detail. {@link #body()} is the text kubectl prints after the field.
 */
public record FieldError(Type type, String field, Object badValue, String detail) {
  /** The error types, with the reason a Status cause carries and the text of the message. */
  public enum Type {
    NOT_FOUND("FieldValueNotFound", "Not found"),
    REQUIRED("FieldValueRequired", "Required value"),
    DUPLICATE("FieldValueDuplicate", "Duplicate value"),
    INVALID("FieldValueInvalid", "Invalid value"),
    NOT_SUPPORTED("FieldValueNotSupported", "Unsupported value"),
    FORBIDDEN("FieldValueForbidden", "Forbidden"),
    TOO_LONG("FieldValueTooLong", "Too long"),
    TOO_MANY("FieldValueTooMany", "Too many");

    public final String reason;
    public final String text;

    Type(String reason, String text) {
      this.reason = reason;
      this.text = text;
    }
  }

  private static final Object OMIT = new Object();

  /** A bad value printed as it is, not quoted (Go's {@code %#v} of a map or struct). */
  public record Raw(String text) {
    @Override
    public String toString() {
      return text;
    }
  }

  public static FieldError required(String field, String detail) {
    return new FieldError(Type.REQUIRED, field, OMIT, detail);
  }

  public static FieldError invalid(String field, Object value, String detail) {
    return new FieldError(Type.INVALID, field, value, detail);
  }

  public static FieldError forbidden(String field, String detail) {
    return new FieldError(Type.FORBIDDEN, field, OMIT, detail);
  }

  public static FieldError duplicate(String field, Object value) {
    return new FieldError(Type.DUPLICATE, field, value, "");
  }

  public static FieldError notFound(String field, Object value) {
    return new FieldError(Type.NOT_FOUND, field, value, "");
  }

  public static FieldError tooLong(String field, int max) {
    return new FieldError(Type.TOO_LONG, field, OMIT, "may not be more than " + max + " bytes");
  }

  public static FieldError notSupported(String field, Object value, List<String> supported) {
    String detail =
        supported.isEmpty()
            ? ""
            : "supported values: "
                + supported.stream().map(FieldError::quote).collect(Collectors.joining(", "));
    return new FieldError(Type.NOT_SUPPORTED, field, value, detail);
  }

  /** The message of the error without the field, as upstream's {@code ErrorBody}. */
  public String body() {
    String s;
    if (type == Type.REQUIRED
        || type == Type.FORBIDDEN
        || type == Type.TOO_LONG
        || badValue == OMIT) {
      s = type.text;
    } else if (badValue == null) {
      s = type.text + ": null";
    } else if (badValue instanceof String str) {
      s = type.text + ": " + quote(str);
    } else {
      s = type.text + ": " + badValue;
    }
    return detail == null || detail.isEmpty() ? s : s + ": " + detail;
  }

  @Override
  public String toString() {
    return field + ": " + body();
  }

  /** Go's {@code %q}: a double-quoted string with escapes. */
  public static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case '\r' -> sb.append("\\r");
        default -> sb.append(c);
      }
    }
    return sb.append('"').toString();
  }
}
