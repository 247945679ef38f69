package io.k8j.apiserver.managedfields;

import java.util.List;

/**
 * The shape of a value as server-side apply sees it, as structured-merge-diff's schema: how a value
 * is split into owned fields and how two values merge. Built-in kinds get theirs from the model
 * types and their patch strategies ({@link ModelFieldTypes}); a value without a schema is {@link
 * #DEDUCED}: maps are granular, lists atomic.
 */
public interface FieldType {
  /** How a value of this type is owned and merged. */
  enum Kind {
    /** A string, number or boolean: owned and replaced whole. */
    SCALAR,
    /** An object whose keys are fields (a struct, or a map such as labels): owned key by key. */
    MAP,
    /** A list whose elements are identified by their key fields: {@code k:{...}}. */
    LIST_MAP,
    /** A list of distinct primitive values: {@code v:...}. */
    LIST_SET,
    /** A list or object owned and replaced whole. */
    ATOMIC
  }

  Kind kind();

  /** The type of the field {@code name} of a MAP (a deduced type when unknown). */
  default FieldType field(String name) {
    return DEDUCED;
  }

  /** Whether {@code name} is a declared field (of a struct), not an entry of a map. */
  default boolean declares(String name) {
    return false;
  }

  /** The type of the elements of a list. */
  default FieldType element() {
    return DEDUCED;
  }

  /** The key fields of a LIST_MAP's elements. */
  default List<String> keys() {
    return List.of();
  }

  /**
   * The value a missing key field takes, as a schema default would give it (a port's protocol is
   * TCP), or null.
   */
  default String keyDefault(String key) {
    return null;
  }

  /** A type without a schema: objects are granular, lists atomic, the rest scalar. */
  FieldType DEDUCED =
      new FieldType() {
        @Override
        public Kind kind() {
          return Kind.MAP;
        }
      };

  /** How a value of type {@code t} is handled: a deduced type by the value's own shape. */
  static Kind kindOf(FieldType t, com.fasterxml.jackson.databind.JsonNode value) {
    if (value == null) {
      return t == DEDUCED ? Kind.SCALAR : t.kind();
    }
    if (t == DEDUCED) {
      return value.isObject() ? Kind.MAP : value.isArray() ? Kind.ATOMIC : Kind.SCALAR;
    }
    Kind k = t.kind();
    boolean fits =
        switch (k) {
          case MAP -> value.isObject();
          case LIST_MAP, LIST_SET -> value.isArray();
          default -> true;
        };
    return fits ? k : Kind.SCALAR;
  }

  /** Scalars and atomic values. */
  static FieldType of(Kind kind) {
    return () -> kind;
  }
}
