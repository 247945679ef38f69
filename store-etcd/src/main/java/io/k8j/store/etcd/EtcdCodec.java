package io.k8j.store.etcd;

import io.etcd.jetcd.ByteSequence;
import io.k8j.store.KeyValue;
import io.k8j.store.LeaseId;
import io.k8j.store.Revision;
import io.k8j.store.WatchEvent;
import java.nio.charset.StandardCharsets;

/** Translates between the store's types and jetcd's: keys are UTF-8, values are bytes as given. */
final class EtcdCodec {
  private EtcdCodec() {}

  static ByteSequence key(String key) {
    return ByteSequence.from(key, StandardCharsets.UTF_8);
  }

  static String key(ByteSequence key) {
    return key.toString(StandardCharsets.UTF_8);
  }

  static ByteSequence value(byte[] value) {
    return ByteSequence.from(value);
  }

  static KeyValue keyValue(io.etcd.jetcd.KeyValue kv) {
    return new KeyValue(
        key(kv.getKey()),
        kv.getValue().getBytes(),
        Revision.of(kv.getCreateRevision()),
        Revision.of(kv.getModRevision()),
        kv.getVersion(),
        lease(kv.getLease()));
  }

  /** The kv, or null for the empty message etcd sends when there is no previous value. */
  static KeyValue keyValueOrNull(io.etcd.jetcd.KeyValue kv) {
    return kv == null || kv.getVersion() == 0 ? null : keyValue(kv);
  }

  static LeaseId lease(long id) {
    return id == 0 ? LeaseId.NONE : new LeaseId(id);
  }

  /** One watch event; null for an event type this version of the store does not know. */
  static WatchEvent event(io.etcd.jetcd.watch.WatchEvent event) {
    return switch (event.getEventType()) {
      case PUT ->
          new WatchEvent(
              WatchEvent.Type.PUT,
              keyValue(event.getKeyValue()),
              keyValueOrNull(event.getPrevKV()));
      case DELETE ->
          new WatchEvent(
              WatchEvent.Type.DELETE,
              keyValue(event.getKeyValue()),
              keyValueOrNull(event.getPrevKV()));
      case UNRECOGNIZED -> null;
    };
  }
}
