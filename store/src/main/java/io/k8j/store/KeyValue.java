package io.k8j.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One version of one key, as etcd's {@code mvccpb.KeyValue}.
 *
 * @param key the key
 * @param value the stored bytes; empty in a delete event's {@code kv} and in keys-only ranges
 * @param createRevision the revision of the write that created this incarnation of the key
 * @param modRevision the revision of the write that produced this version
 * @param version 1 on create, +1 on every update of this incarnation; 0 in a delete event's kv
 * @param lease the lease the key is attached to, or {@link LeaseId#NONE}
 */
public record KeyValue(
    String key,
    byte[] value,
    Revision createRevision,
    Revision modRevision,
    long version,
    LeaseId lease) {
  public KeyValue {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(createRevision, "createRevision");
    Objects.requireNonNull(modRevision, "modRevision");
    Objects.requireNonNull(lease, "lease");
  }

  public String valueAsString() {
    return new String(value, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyValue kv
        && key.equals(kv.key)
        && Arrays.equals(value, kv.value)
        && createRevision.equals(kv.createRevision)
        && modRevision.equals(kv.modRevision)
        && version == kv.version
        && lease.equals(kv.lease);
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, Arrays.hashCode(value), createRevision, modRevision, version, lease);
  }

  @Override
  public String toString() {
    return "KeyValue[key="
        + key
        + ", create="
        + createRevision
        + ", mod="
        + modRevision
        + ", version="
        + version
        + ", lease="
        + lease.value()
        + ", "
        + value.length
        + " bytes]";
  }
}
