package io.k8j.client;

import java.util.List;

/**
 * A read-only view of an informer's cache. Objects returned are shared with the cache and every
 * other reader: copy before changing one ({@link DeepCopy#of}).
 */
public interface Lister<T> {
  /** The object, or null. {@code namespace} is null or empty for cluster-scoped kinds. */
  T get(String namespace, String name);

  /** The object with this key ({@code namespace/name}, or {@code name}), or null. */
  T get(String key);

  List<T> list();

  List<T> list(String namespace);

  /** Objects whose index {@code indexName} yields {@code value}. */
  List<T> byIndex(String indexName, String value);
}
