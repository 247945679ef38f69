package io.k8j.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.http.ApiException;
import io.k8j.store.KeyValue;

/**
 * How objects are stored: JSON without resourceVersion (the store's mod revision is the
 * resourceVersion, set on every read), at most 1.5 MiB as etcd allows.
 */
public final class ObjectCodec {
  public static final int MAX_OBJECT_BYTES = 1536 * 1024;

  private ObjectCodec() {}

  public static ObjectNode decode(KeyValue kv) {
    ObjectNode o = Json.parseObject(kv.value());
    Json.metadata(o).put("resourceVersion", kv.modRevision().toString());
    return o;
  }

  /** The stored bytes: kind and apiVersion first, as upstream writes them, no resourceVersion. */
  public static byte[] encode(ObjectNode obj) {
    ObjectNode meta = Json.metadata(obj);
    var rv = meta.remove("resourceVersion");
    meta.remove("selfLink");
    try {
      ObjectNode ordered = Json.object();
      ordered.set("kind", obj.get("kind"));
      ordered.set("apiVersion", obj.get("apiVersion"));
      ordered.setAll(obj);
      byte[] bytes = Json.bytes(ordered);
      if (bytes.length > MAX_OBJECT_BYTES) {
        throw ApiException.tooLarge("Request entity too large: limit is " + MAX_OBJECT_BYTES);
      }
      return bytes;
    } finally {
      if (rv != null) {
        meta.set("resourceVersion", rv);
      }
    }
  }
}
