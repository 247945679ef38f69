package io.k8j.client.fake;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.k8j.client.Informer;
import io.k8j.client.Keys;
import io.k8j.client.Lister;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * An informer whose cache the test fills: {@link #add}, {@link #update} and {@link #delete} change
 * the cache and call the handlers at once, as a watch event would.
 */
public final class FakeInformer<T extends HasMetadata> implements Informer<T>, Lister<T> {
  private final Map<String, T> items = new LinkedHashMap<>();
  private final Map<String, Function<T, List<String>>> indexers = new LinkedHashMap<>();
  private final List<ResourceEventHandler<? super T>> handlers = new CopyOnWriteArrayList<>();
  private volatile boolean synced = true;

  /** Puts the object into the cache without telling the handlers (an initial list). */
  public synchronized FakeInformer<T> seed(T obj) {
    items.put(Keys.of(obj), obj);
    return this;
  }

  public void add(T obj) {
    T old;
    synchronized (this) {
      old = items.put(Keys.of(obj), obj);
    }
    for (var h : handlers) {
      if (old == null) {
        h.onAdd(obj);
      } else {
        h.onUpdate(old, obj);
      }
    }
  }

  public void update(T obj) {
    add(obj);
  }

  public void delete(T obj) {
    T old;
    synchronized (this) {
      old = items.remove(Keys.of(obj));
    }
    if (old != null) {
      handlers.forEach(h -> h.onDelete(old, false));
    }
  }

  /** Removes the object from the cache without telling the handlers (a lagging cache). */
  public synchronized void forget(T obj) {
    items.remove(Keys.of(obj));
  }

  public void setSynced(boolean synced) {
    this.synced = synced;
  }

  @Override
  public Lister<T> lister() {
    return this;
  }

  @Override
  public void addEventHandler(ResourceEventHandler<? super T> handler) {
    handlers.add(handler);
  }

  @Override
  public synchronized void addIndexer(String name, Function<T, List<String>> indexFunc) {
    indexers.putIfAbsent(name, indexFunc);
  }

  @Override
  public boolean hasSynced() {
    return synced;
  }

  @Override
  public synchronized T get(String namespace, String name) {
    return items.get(Keys.of(namespace, name));
  }

  @Override
  public synchronized T get(String key) {
    return items.get(key);
  }

  @Override
  public synchronized List<T> list() {
    return new ArrayList<>(items.values());
  }

  @Override
  public synchronized List<T> list(String namespace) {
    List<T> out = new ArrayList<>();
    for (T t : items.values()) {
      String ns = t.getMetadata().getNamespace();
      if (namespace.equals(ns == null ? "" : ns)) {
        out.add(t);
      }
    }
    return out;
  }

  @Override
  public synchronized List<T> byIndex(String indexName, String value) {
    Function<T, List<String>> f = indexers.get(indexName);
    if (f == null) {
      throw new IllegalArgumentException("no index " + indexName);
    }
    List<T> out = new ArrayList<>();
    for (T t : items.values()) {
      List<String> keys = f.apply(t);
      if (keys != null && keys.contains(value)) {
        out.add(t);
      }
    }
    return out;
  }
}
