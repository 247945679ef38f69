package io.k8j.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.registry.validation.FieldError;
import io.k8j.apiserver.registry.validation.Names;
import java.util.List;

/**
 * What is particular to one kind when it is created or updated: upstream's {@code
 * RESTCreateStrategy} and {@code RESTUpdateStrategy}. The generic store calls, in order: {@link
 * #prepareForCreate} (or {@link #prepareForUpdate}), {@link #applyDefaults}, then {@link #validate}
 * (or {@link #validateUpdate}). Objects are unstructured; a strategy never assumes a field is
 * present or of the right type.
 */
public interface Strategy {
  /** Clears what a client may not set on create (usually status) and sets initial values. */
  default void prepareForCreate(ObjectNode obj) {}

  /** Adjusts an update of the main resource; the store has already kept the old status. */
  default void prepareForUpdate(ObjectNode obj, ObjectNode old) {}

  /**
   * Adjusts an update through the {@code status} subresource; the store has already kept every part
   * but the status and the metadata.
   */
  default void prepareForStatusUpdate(ObjectNode obj, ObjectNode old) {}

  /** Fills in the defaults upstream's defaulting functions would. */
  default void applyDefaults(ObjectNode obj) {}

  /** The object's invalid fields; empty when valid. */
  default List<FieldError> validate(ObjectNode obj) {
    return List.of();
  }

  /** The invalid fields of an update, including changes to immutable fields. */
  default List<FieldError> validateUpdate(ObjectNode obj, ObjectNode old) {
    return validate(obj);
  }

  /** Whether metadata.generation counts changes of the object's spec. */
  default boolean tracksGeneration() {
    return true;
  }

  /**
   * The grace period of a delete, in seconds, given the one the client asked for (null when it did
   * not); 0 deletes at once. Only pods delete gracefully; every other kind is deleted at once.
   */
  default long gracePeriodSeconds(ObjectNode obj, Long requested) {
    return 0;
  }

  /** How names of this kind are checked. */
  default Names.Rule nameRule() {
    return Names.Rule.SUBDOMAIN;
  }

  /**
   * Takes what the object needs from shared pools (a Service's cluster IP and node ports) just
   * before it is written; may throw an {@code ApiException}. Undone by {@link #release}.
   */
  default void reserve(ObjectNode obj, ObjectNode old) {}

  /** Gives back what {@link #reserve} took, after a delete or a failed write. */
  default void release(ObjectNode obj, ObjectNode old) {}

  /**
   * Whether an object marked for deletion must wait for something other than metadata.finalizers (a
   * namespace waits for its spec.finalizers).
   */
  default boolean pendingDeletion(ObjectNode obj) {
    return false;
  }

  /** Marks an object whose deletion has to wait (a namespace becomes Terminating). */
  default void markForDeletion(ObjectNode obj) {}

  /** A strategy that accepts everything as it is. */
  Strategy NONE = new Strategy() {};
}
