package io.k8j.client.impl;

import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.k8j.client.Informer;
import io.k8j.client.Keys;
import io.k8j.client.Lister;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** An {@link Informer} on a fabric8 shared index informer over all namespaces. */
public final class ClusterInformer<T> implements Informer<T> {
  private final SharedIndexInformer<T> informer;
  private final Lister<T> lister;

  public ClusterInformer(SharedIndexInformer<T> informer) {
    this.informer = informer;
    this.lister = new IndexerLister<>(informer.getIndexer());
  }

  @Override
  public Lister<T> lister() {
    return lister;
  }

  @Override
  public void addEventHandler(ResourceEventHandler<? super T> handler) {
    informer.addEventHandler(handler);
  }

  @Override
  public synchronized void addIndexer(String name, Function<T, List<String>> indexFunc) {
    if (!informer.getIndexer().getIndexers().containsKey(name)) {
      informer.addIndexers(Map.of(name, indexFunc));
    }
  }

  @Override
  public boolean hasSynced() {
    return informer.hasSynced();
  }

  private record IndexerLister<T>(Indexer<T> indexer) implements Lister<T> {
    @Override
    public T get(String namespace, String name) {
      return indexer.getByKey(Keys.of(namespace, name));
    }

    @Override
    public T get(String key) {
      return indexer.getByKey(key);
    }

    @Override
    public List<T> list() {
      return indexer.list();
    }

    @Override
    public List<T> list(String namespace) {
      return indexer.byIndex(Cache.NAMESPACE_INDEX, namespace);
    }

    @Override
    public List<T> byIndex(String indexName, String value) {
      return indexer.byIndex(indexName, value);
    }
  }
}
