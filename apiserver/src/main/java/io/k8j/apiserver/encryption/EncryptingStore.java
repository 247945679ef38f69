package io.k8j.apiserver.encryption;

import io.k8j.store.ForwardingStore;
import io.k8j.store.KeyRange;
import io.k8j.store.KeyValue;
import io.k8j.store.LeaseId;
import io.k8j.store.RangeRequest;
import io.k8j.store.RangeResult;
import io.k8j.store.Revision;
import io.k8j.store.Store;
import io.k8j.store.StoreException;
import io.k8j.store.Watch;
import io.k8j.store.WatchListener;
import io.k8j.store.WriteResult;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A store whose values under the configured prefixes are encrypted: writes with the first provider
 * of the prefix's rule, reads with whichever listed provider's prefix the value carries (a value
 * without one is read only if identity is listed). A value read with another than the first
 * provider is stale: {@link #isStale} tells the API server to rewrite it even when unchanged, which
 * is how keys are rotated (upstream's {@code kubectl get secrets -A -o json | kubectl replace -f
 * -}).
 */
public final class EncryptingStore extends ForwardingStore {
  private final Map<String, List<Provider>> byPrefix;
  private final Map<String, Revision> stale = new ConcurrentHashMap<>();

  /**
   * @param byPrefix the providers of each store prefix (ending in '/')
   */
  public EncryptingStore(Store delegate, Map<String, List<Provider>> byPrefix) {
    super(delegate);
    this.byPrefix = Map.copyOf(byPrefix);
  }

  private List<Provider> providers(String key) {
    for (Map.Entry<String, List<Provider>> e : byPrefix.entrySet()) {
      if (key.startsWith(e.getKey())) {
        return e.getValue();
      }
    }
    return null;
  }

  private byte[] seal(String key, byte[] value) {
    List<Provider> ps = providers(key);
    if (ps == null) {
      return value;
    }
    stale.remove(key);
    Provider first = ps.getFirst();
    try {
      byte[] prefix = first.prefix().getBytes(StandardCharsets.UTF_8);
      byte[] sealed = first.encrypt(value, key);
      byte[] out = Arrays.copyOf(prefix, prefix.length + sealed.length);
      System.arraycopy(sealed, 0, out, prefix.length, sealed.length);
      return out;
    } catch (GeneralSecurityException e) {
      throw new StoreException("encrypting " + key + " failed: " + e.getMessage(), e);
    }
  }

  private KeyValue open(KeyValue kv) {
    if (kv == null || kv.value().length == 0) {
      return kv;
    }
    List<Provider> ps = providers(kv.key());
    if (ps == null) {
      return kv;
    }
    byte[] value = kv.value();
    String head = new String(value, 0, Math.min(value.length, 256), StandardCharsets.ISO_8859_1);
    for (int i = 0; i < ps.size(); i++) {
      Provider p = ps.get(i);
      boolean matches =
          p.prefix().isEmpty() ? !head.startsWith("k8s:enc:") : head.startsWith(p.prefix());
      if (!matches) {
        continue;
      }
      try {
        int skip = p.prefix().getBytes(StandardCharsets.UTF_8).length;
        byte[] sealed = Arrays.copyOfRange(value, skip, value.length);
        byte[] plain = p.decrypt(sealed, kv.key());
        if (i > 0 || p.isStale(sealed)) {
          stale.put(kv.key(), kv.modRevision());
        }
        return new KeyValue(
            kv.key(), plain, kv.createRevision(), kv.modRevision(), kv.version(), kv.lease());
      } catch (GeneralSecurityException e) {
        throw new StoreException("decrypting " + kv.key() + " failed: " + e.getMessage(), e);
      }
    }
    throw new StoreException("no matching prefix found to decrypt " + kv.key(), null);
  }

  /** Whether {@code kv} was read with a key that no longer encrypts writes. */
  public boolean isStale(KeyValue kv) {
    return kv.modRevision().equals(stale.get(kv.key()));
  }

  private WriteResult open(WriteResult r) {
    return new WriteResult(r.succeeded(), r.revision(), open(r.kv()));
  }

  @Override
  public RangeResult range(RangeRequest request) {
    RangeResult r = delegate.range(request);
    if (request.keysOnly() || request.countOnly()) {
      return r;
    }
    List<KeyValue> kvs = new ArrayList<>(r.kvs().size());
    for (KeyValue kv : r.kvs()) {
      kvs.add(open(kv));
    }
    return new RangeResult(kvs, r.revision(), r.count(), r.more());
  }

  @Override
  public WriteResult create(String key, byte[] value, LeaseId lease) {
    return open(delegate.create(key, seal(key, value), lease));
  }

  @Override
  public WriteResult update(String key, byte[] value, Revision expectedModRevision, LeaseId lease) {
    return open(delegate.update(key, seal(key, value), expectedModRevision, lease));
  }

  @Override
  public WriteResult delete(String key, Revision expectedModRevision) {
    stale.remove(key);
    return open(delegate.delete(key, expectedModRevision));
  }

  /** Closes the providers that hold connections (KMS plugins), then the store. */
  @Override
  public void close() {
    byPrefix.values().stream()
        .flatMap(List::stream)
        .distinct()
        .forEach(
            p -> {
              if (p instanceof AutoCloseable c) {
                try {
                  c.close();
                } catch (Exception e) {
                  // closing a plugin connection: nothing left to do on failure
                }
              }
            });
    super.close();
  }

  @Override
  public Watch watch(KeyRange range, Revision startRevision, WatchListener listener) {
    return mappedWatch(range, startRevision, listener, this::open);
  }
}
