package io.k8j.client;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * Reads straight from the API server, past every cache: for the few decisions that must not rest on
 * a cache that may lag (upstream's "uncached quorum read" before adopting orphans).
 */
public interface ObjectReader {
  /** The object as stored now, or null. */
  <T extends HasMetadata> T get(Class<T> type, String namespace, String name);
}
