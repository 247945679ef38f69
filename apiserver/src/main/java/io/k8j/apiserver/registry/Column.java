package io.k8j.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Function;

/**
 * One column of a kind's Table: what kubectl prints for human output. Columns with a priority above
 * 0 show only with {@code -o wide}.
 */
public record Column(
    String name,
    String type,
    String format,
    String description,
    int priority,
    Function<ObjectNode, Object> cell) {

  public static Column nameColumn() {
    return new Column(
        "Name",
        "string",
        "name",
        "Name must be unique within a namespace.",
        0,
        o -> o.path("metadata").path("name").asText());
  }

  public static Column age() {
    return new Column(
        "Age",
        "string",
        "",
        "CreationTimestamp is a timestamp representing the server time when this object was"
            + " created.",
        0,
        o -> Ages.since(o.path("metadata").path("creationTimestamp").asText()));
  }

  public static Column string(String name, Function<ObjectNode, Object> cell) {
    return new Column(name, "string", "", name, 0, cell);
  }

  public static Column integer(String name, Function<ObjectNode, Object> cell) {
    return new Column(name, "integer", "", name, 0, cell);
  }

  public static Column wide(String name, Function<ObjectNode, Object> cell) {
    return new Column(name, "string", "", name, 1, cell);
  }
}
