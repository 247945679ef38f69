package io.k8j.store;

import java.util.Objects;

/**
 * One change to one key, as delivered to a watch.
 *
 * @param type PUT for a create or an update, DELETE for a delete or a lease expiry
 * @param kv the key after the change; for a DELETE, the key with an empty value, the delete's
 *     revision as {@code modRevision} and version 0
 * @param prevKv the key just before the change; null for a create
 */
public record WatchEvent(Type type, KeyValue kv, KeyValue prevKv) {
  public enum Type {
    PUT,
    DELETE
  }

  public WatchEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(kv, "kv");
  }

  /** The revision of the write that produced this event. */
  public Revision revision() {
    return kv.modRevision();
  }

  public boolean isCreate() {
    return type == Type.PUT && kv.createRevision().equals(kv.modRevision());
  }
}
