package io.k8j.store.embedded;

import io.k8j.store.KeyValue;
import io.k8j.store.LeaseId;
import io.k8j.store.Revision;
import io.k8j.store.WatchEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What one revision changed, as stored in RocksDB under its revision: the key, its value, create
 * revision, version and lease, whether it was a delete (a tombstone), and the mod revision of the
 * version it replaced (0 for a create), so that history can be replayed with previous values.
 */
record RevisionRecord(
    long revision,
    String key,
    byte[] value,
    long createRevision,
    long version,
    long lease,
    boolean tombstone,
    long prevRevision) {

  private static final byte PUT = 1;
  private static final byte DELETE = 2;
  private static final int HEADER = 1 + 4 * Long.BYTES + Integer.BYTES;

  static RevisionRecord of(WatchEvent event) {
    KeyValue kv = event.kv();
    long prev = event.prevKv() == null ? 0 : event.prevKv().modRevision().value();
    boolean delete = event.type() == WatchEvent.Type.DELETE;
    return new RevisionRecord(
        kv.modRevision().value(),
        kv.key(),
        kv.value(),
        kv.createRevision().value(),
        kv.version(),
        kv.lease().value(),
        delete,
        prev);
  }

  /** The key as it was after this revision; for a tombstone, etcd's empty delete form. */
  KeyValue keyValue() {
    return new KeyValue(
        key,
        value,
        Revision.of(createRevision),
        Revision.of(revision),
        version,
        new LeaseId(lease));
  }

  byte[] encode() {
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(HEADER + k.length + value.length)
        .put(tombstone ? DELETE : PUT)
        .putLong(createRevision)
        .putLong(version)
        .putLong(lease)
        .putLong(prevRevision)
        .putInt(k.length)
        .put(k)
        .put(value)
        .array();
  }

  /**
   * @throws IllegalArgumentException if the bytes are not a record
   */
  static RevisionRecord decode(long revision, byte[] bytes) {
    if (bytes.length < HEADER) {
      throw new IllegalArgumentException("record of revision " + revision + " is too short");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    byte type = b.get();
    if (type != PUT && type != DELETE) {
      throw new IllegalArgumentException("record of revision " + revision + " has type " + type);
    }
    long create = b.getLong();
    long version = b.getLong();
    long lease = b.getLong();
    long prev = b.getLong();
    int keyLength = b.getInt();
    if (keyLength < 0 || keyLength > b.remaining()) {
      throw new IllegalArgumentException("record of revision " + revision + " is truncated");
    }
    byte[] k = new byte[keyLength];
    b.get(k);
    byte[] value = new byte[b.remaining()];
    b.get(value);
    return new RevisionRecord(
        revision,
        new String(k, StandardCharsets.UTF_8),
        value,
        create,
        version,
        lease,
        type == DELETE,
        prev);
  }
}
