package io.k8j.store.embedded;

import io.k8j.store.KeyValue;
import io.k8j.store.LeaseId;
import io.k8j.store.Revision;
import java.util.ArrayList;
import java.util.List;

/**
 * The versions of one key that history still holds, oldest first, across its incarnations (a delete
 * ends one with a tombstone). Only the latest value is kept in memory; older values are read from
 * the database by revision. Not thread-safe: {@link MvccIndex} guards it.
 */
final class KeyHistory {
  /** One version of the key; a tombstone marks a delete. */
  record Version(
      long modRevision, long createRevision, long version, long lease, boolean tombstone) {
    static Version of(KeyValue kv, boolean tombstone) {
      return tombstone
          ? new Version(kv.modRevision().value(), 0, 0, 0, true)
          : new Version(
              kv.modRevision().value(),
              kv.createRevision().value(),
              kv.version(),
              kv.lease().value(),
              false);
    }

    KeyValue toKeyValue(String key, byte[] value) {
      return new KeyValue(
          key,
          value,
          Revision.of(createRevision),
          Revision.of(modRevision),
          version,
          new LeaseId(lease));
    }
  }

  private final ArrayList<Version> versions = new ArrayList<>(2);
  private byte[] latestValue;

  void append(Version v, byte[] value) {
    versions.add(v);
    latestValue = v.tombstone() ? null : value;
  }

  Version latest() {
    return versions.isEmpty() ? null : versions.getLast();
  }

  /** The latest version if the key exists now; null if it is deleted. */
  KeyValue live(String key) {
    Version v = latest();
    return v == null || v.tombstone() ? null : v.toKeyValue(key, latestValue);
  }

  /** The version in effect at {@code revision}, or null if there was none. */
  Version at(long revision) {
    for (int i = versions.size() - 1; i >= 0; i--) {
      Version v = versions.get(i);
      if (v.modRevision() <= revision) {
        return v;
      }
    }
    return null;
  }

  /** The value of {@code v} if it is the latest version, else null (it is on disk only). */
  byte[] cachedValue(Version v) {
    return v == latest() ? latestValue : null;
  }

  /**
   * Drops the versions that reads at {@code revision} or later cannot see: all before the one in
   * effect at {@code revision}, and that one too if it is a tombstone older than {@code revision}.
   *
   * @return the mod revisions of the dropped versions
   */
  List<Long> compact(long revision) {
    int keep = -1;
    for (int i = versions.size() - 1; i >= 0; i--) {
      if (versions.get(i).modRevision() <= revision) {
        keep = i;
        break;
      }
    }
    if (keep < 0) {
      return List.of();
    }
    Version kept = versions.get(keep);
    int drop = kept.tombstone() && kept.modRevision() < revision ? keep + 1 : keep;
    List<Long> dropped = new ArrayList<>(drop);
    for (int i = 0; i < drop; i++) {
      dropped.add(versions.get(i).modRevision());
    }
    versions.subList(0, drop).clear();
    if (versions.isEmpty()) {
      latestValue = null;
    }
    return dropped;
  }

  boolean isEmpty() {
    return versions.isEmpty();
  }
}
