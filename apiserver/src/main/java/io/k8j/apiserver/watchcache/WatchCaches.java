package io.k8j.apiserver.watchcache;

import io.k8j.store.KeyRange;
import io.k8j.store.RangeRequest;
import io.k8j.store.RangeResult;
import io.k8j.store.Revision;
import io.k8j.store.Store;
import io.k8j.store.StoreException;
import io.k8j.store.Watch;
import io.k8j.store.WatchEvent;
import io.k8j.store.WatchListener;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every resource's {@link WatchCache}, fed by one store watch over the whole registry prefix.
 * Because every store write is under that prefix, the revision of the last delivered batch tells
 * how fresh every cache is, which lets a cache serve a list or watch "not older than" any revision
 * a client has seen.
 */
public final class WatchCaches implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WatchCaches.class);
  private static final String REGISTRY = "/registry/";

  private final Store store;
  private final int historyCapacity;
  private volatile Map<String, WatchCache> byPrefix = new LinkedHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Watch watch;

  public WatchCaches(Store store, List<String> prefixes, int historyCapacity) {
    this.store = store;
    this.historyCapacity = historyCapacity;
    for (String p : prefixes) {
      byPrefix.putIfAbsent(p, new WatchCache(p, historyCapacity));
    }
  }

  /** The cache of a store prefix. */
  public WatchCache cache(String prefix) {
    WatchCache c = byPrefix.get(prefix);
    if (c == null) {
      throw new IllegalArgumentException("no watch cache for " + prefix);
    }
    return c;
  }

  /**
   * Adds the cache of a prefix served from now on (a custom resource's), filled from the store at
   * the current revision; returns the existing one when there is one.
   */
  public synchronized WatchCache add(String prefix) {
    WatchCache existing = byPrefix.get(prefix);
    if (existing != null) {
      return existing;
    }
    WatchCache c = new WatchCache(prefix, historyCapacity);
    Map<String, WatchCache> copy = new LinkedHashMap<>(byPrefix);
    copy.put(prefix, c);
    byPrefix = copy;
    Revision rev = store.currentRevision();
    c.reset(store.range(RangeRequest.prefix(prefix).atRevision(rev)).kvs(), rev.value());
    return c;
  }

  /** Drops the cache of a prefix no longer served, ending its watches. */
  public synchronized void remove(String prefix) {
    Map<String, WatchCache> copy = new LinkedHashMap<>(byPrefix);
    WatchCache c = copy.remove(prefix);
    byPrefix = copy;
    if (c != null) {
      c.terminateAll();
    }
  }

  public int watcherCount() {
    return byPrefix.values().stream().mapToInt(WatchCache::watcherCount).sum();
  }

  /** Lists every prefix at one revision, then watches the registry from the next one. */
  public synchronized void start() {
    Revision rev = store.currentRevision();
    for (WatchCache c : byPrefix.values()) {
      RangeResult r = store.range(RangeRequest.prefix(c.prefix()).atRevision(rev));
      c.reset(r.kvs(), rev.value());
    }
    watch = store.watch(KeyRange.prefix(REGISTRY), rev.next(), new Listener());
    LOG.info("watch caches for {} resources started at revision {}", byPrefix.size(), rev);
  }

  /** Sends bookmarks to idle watchers that asked for them. */
  public void bookmark(Map<String, String[]> kindByPrefix) {
    for (Map.Entry<String, String[]> e : kindByPrefix.entrySet()) {
      WatchCache c = byPrefix.get(e.getKey());
      if (c != null) {
        c.bookmark(e.getValue()[0], e.getValue()[1]);
      }
    }
  }

  private void restart(StoreException cause) {
    if (closed.get()) {
      return;
    }
    LOG.warn("store watch ended ({}); relisting the watch caches", cause.getMessage());
    Thread.ofVirtual()
        .name("watch-cache-restart")
        .start(
            () -> {
              try {
                start();
              } catch (RuntimeException e) {
                LOG.error("could not restart the watch caches", e);
              }
            });
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      Watch w = watch;
      if (w != null) {
        w.close();
      }
      byPrefix.values().forEach(WatchCache::terminateAll);
    }
  }

  private final class Listener implements WatchListener {
    @Override
    public void onEvents(List<WatchEvent> events) {
      Map<WatchCache, List<WatchEvent>> grouped = new HashMap<>();
      long last = 0;
      for (WatchEvent e : events) {
        last = Math.max(last, e.revision().value());
        WatchCache c = cacheOf(e.kv().key());
        if (c != null) {
          grouped.computeIfAbsent(c, k -> new ArrayList<>()).add(e);
        }
      }
      for (Map.Entry<WatchCache, List<WatchEvent>> g : grouped.entrySet()) {
        try {
          g.getKey().apply(g.getValue());
        } catch (RuntimeException ex) {
          LOG.error("watch cache {} could not apply events", g.getKey().prefix(), ex);
        }
      }
      for (WatchCache c : byPrefix.values()) {
        c.advanceTo(last);
      }
    }

    @Override
    public void onError(StoreException error) {
      restart(error);
    }
  }

  private WatchCache cacheOf(String key) {
    for (Map.Entry<String, WatchCache> e : byPrefix.entrySet()) {
      if (key.startsWith(e.getKey())) {
        return e.getValue();
      }
    }
    return null;
  }
}
