package io.k8j.client;

import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.List;
import java.util.function.Function;

/**
 * A shared informer: a cache of one resource kept current by list and watch, with handlers told of
 * every change. Handlers run on the informer's thread and must only compute keys and enqueue them.
 */
public interface Informer<T> {
  Lister<T> lister();

  void addEventHandler(ResourceEventHandler<? super T> handler);

  /** Adds an index; adding one that exists with this name does nothing. */
  void addIndexer(String name, Function<T, List<String>> indexFunc);

  /** True once the first list has been loaded into the cache. */
  boolean hasSynced();
}
