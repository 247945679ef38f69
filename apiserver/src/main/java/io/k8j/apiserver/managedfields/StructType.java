package io.k8j.apiserver.managedfields;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An object with declared fields, owned field by field; each field's type is resolved once, on
 * first use.
 */
abstract class StructType implements FieldType {
  private final Map<String, FieldType> fields = new ConcurrentHashMap<>();

  @Override
  public final Kind kind() {
    return Kind.MAP;
  }

  @Override
  public final FieldType field(String name) {
    return fields.computeIfAbsent(name, this::resolve);
  }

  /** The type of the field (or map entry) {@code name}. */
  abstract FieldType resolve(String name);
}
