package io.k8j.store;

/**
 * The outcome of a conditional write.
 *
 * @param succeeded whether the condition held and the write was made
 * @param revision the store revision after the call: the write's own revision on success, the
 *     current revision on failure
 * @param kv on success: the key as written (for a delete, the value it had just before). On
 *     failure: the key's current value, or null if it does not exist.
 */
public record WriteResult(boolean succeeded, Revision revision, KeyValue kv) {}
