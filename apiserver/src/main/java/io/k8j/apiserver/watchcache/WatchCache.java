package io.k8j.apiserver.watchcache;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.store.KeyValue;
import io.k8j.store.WatchEvent;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * The in-memory state of one resource (every object under its store prefix) and a ring buffer of
 * its recent events. It is fed by {@link WatchCaches} in revision order and serves watches and
 * lists without touching the store.
 */
public final class WatchCache {
  /** A consistent list from memory: the matching objects in key order, at a revision. */
  public record Snapshot(List<ObjectNode> items, long revision) {}

  /** Thrown when a watch asks for history the cache no longer has (410 Gone). */
  public static final class TooOldException extends RuntimeException {
    public TooOldException(long requested, long oldest) {
      super("too old resource version: " + requested + " (" + oldest + ")", null, false, false);
    }
  }

  /** Thrown when the cache did not reach a requested revision in time. */
  public static final class NotFreshException extends RuntimeException {
    public NotFreshException(long requested) {
      super("Too large resource version: " + requested, null, false, false);
    }
  }

  private final String prefix;
  private final int capacity;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition advanced = lock.newCondition();
  private final TreeMap<String, ObjectNode> objects = new TreeMap<>();
  private final ArrayDeque<CachedEvent> history = new ArrayDeque<>();
  private final Set<CacheWatcher> watchers = ConcurrentHashMap.newKeySet();

  /** The watchers of {@link #watchers} that select one node's objects, by node name. */
  private final Map<String, Set<CacheWatcher>> byNode = new ConcurrentHashMap<>();

  /** The watchers of {@link #watchers} that see every event. */
  private final Set<CacheWatcher> unindexed = ConcurrentHashMap.newKeySet();

  private long revision;
  private long oldest;
  private long floor;

  WatchCache(String prefix, int capacity) {
    this.prefix = prefix;
    this.capacity = capacity;
  }

  public String prefix() {
    return prefix;
  }

  /** The revision up to which this cache has seen every change. */
  public long revision() {
    lock.lock();
    try {
      return revision;
    } finally {
      lock.unlock();
    }
  }

  public int watcherCount() {
    return watchers.size();
  }

  /** Replaces the whole state (at start, and after the store watch had to be restarted). */
  void reset(List<KeyValue> kvs, long rev) {
    lock.lock();
    try {
      for (CacheWatcher w : watchers) {
        w.terminate();
      }
      clearWatchers();
      objects.clear();
      history.clear();
      for (KeyValue kv : kvs) {
        objects.put(kv.key(), decode(kv.value(), kv.modRevision().value()));
      }
      revision = rev;
      oldest = rev;
      floor = rev;
      advanced.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Applies store events of this prefix, in revision order. */
  void apply(List<WatchEvent> events) {
    lock.lock();
    try {
      for (WatchEvent we : events) {
        if (we.revision().value() <= floor) {
          continue; // already in the state the cache was reset to
        }
        CachedEvent e = toCached(we);
        if (e == null) {
          continue;
        }
        if (e.type() == CachedEvent.Type.DELETED) {
          objects.remove(e.key());
        } else {
          objects.put(e.key(), e.object());
        }
        history.addLast(e);
        if (history.size() > capacity) {
          oldest = history.removeFirst().revision();
        }
        dispatch(e);
        revision = Math.max(revision, e.revision());
      }
    } finally {
      lock.unlock();
    }
  }

  /** Offers an event to the watchers that can want it: the unindexed and those of its nodes. */
  private void dispatch(CachedEvent e) {
    for (CacheWatcher w : unindexed) {
      w.offer(e);
    }
    if (byNode.isEmpty()) {
      return;
    }
    String now = WatchFilter.nodeNameOf(e.object());
    String before = WatchFilter.nodeNameOf(e.previous());
    offerTo(byNode.get(now), e);
    if (before != null && !before.equals(now)) {
      offerTo(byNode.get(before), e);
    }
  }

  private static void offerTo(Set<CacheWatcher> ws, CachedEvent e) {
    if (ws != null) {
      for (CacheWatcher w : ws) {
        w.offer(e);
      }
    }
  }

  private void addWatcher(CacheWatcher w, String nodeName) {
    watchers.add(w);
    if (nodeName == null) {
      unindexed.add(w);
    } else {
      byNode.computeIfAbsent(nodeName, n -> ConcurrentHashMap.newKeySet()).add(w);
    }
  }

  private void removeWatcher(CacheWatcher w, String nodeName) {
    watchers.remove(w);
    if (nodeName == null) {
      unindexed.remove(w);
    } else {
      byNode.computeIfPresent(
          nodeName,
          (n, ws) -> {
            ws.remove(w);
            return ws.isEmpty() ? null : ws;
          });
    }
  }

  private void clearWatchers() {
    watchers.clear();
    unindexed.clear();
    byNode.clear();
  }

  private CachedEvent toCached(WatchEvent we) {
    long rev = we.revision().value();
    ObjectNode prev =
        we.prevKv() == null || we.prevKv().value().length == 0
            ? objects.get(we.kv().key())
            : decode(we.prevKv().value(), we.prevKv().modRevision().value());
    if (we.type() == WatchEvent.Type.DELETE) {
      if (prev == null) {
        return null;
      }
      ObjectNode gone = prev.deepCopy();
      Json.metadata(gone).put("resourceVersion", Long.toString(rev));
      return new CachedEvent(CachedEvent.Type.DELETED, we.kv().key(), gone, prev, rev);
    }
    ObjectNode obj = decode(we.kv().value(), rev);
    boolean created = we.isCreate() || prev == null;
    return new CachedEvent(
        created ? CachedEvent.Type.ADDED : CachedEvent.Type.MODIFIED,
        we.kv().key(),
        obj,
        created ? null : prev,
        rev);
  }

  /** Marks the cache fresh up to {@code rev}: no change of this prefix up to it is missing. */
  void advanceTo(long rev) {
    lock.lock();
    try {
      if (rev > revision) {
        revision = rev;
      }
      advanced.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Waits until the cache has seen revision {@code rev}. */
  public void waitUntilFresh(long rev, Duration timeout) {
    lock.lock();
    try {
      long nanos = timeout.toNanos();
      while (revision < rev) {
        if (nanos <= 0) {
          throw new NotFreshException(rev);
        }
        nanos = advanced.awaitNanos(nanos);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NotFreshException(rev);
    } finally {
      lock.unlock();
    }
  }

  /** The current objects under {@code keyPrefix} that match, at the cache's revision. */
  public Snapshot list(String keyPrefix, Predicate<ObjectNode> predicate) {
    lock.lock();
    try {
      List<ObjectNode> out = new ArrayList<>();
      Map<String, ObjectNode> range = objects.tailMap(keyPrefix, true);
      for (Map.Entry<String, ObjectNode> e : range.entrySet()) {
        if (!e.getKey().startsWith(keyPrefix)) {
          break;
        }
        if (predicate.test(e.getValue())) {
          out.add(e.getValue());
        }
      }
      return new Snapshot(out, revision);
    } finally {
      lock.unlock();
    }
  }

  /** One object by key, or null. */
  public ObjectNode get(String key) {
    lock.lock();
    try {
      return objects.get(key);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Starts a watch.
   *
   * @param fromRevision 0 to start with a synthetic ADDED for every current object, else the
   *     revision after which changes are delivered (no replay of what it already contains)
   * @throws TooOldException when the history before {@code fromRevision} is gone
   */
  public CacheWatcher watch(
      WatchFilter filter, long fromRevision, boolean bookmarks, int queueCapacity) {
    lock.lock();
    try {
      if (fromRevision > 0 && fromRevision < oldest) {
        throw new TooOldException(fromRevision, oldest);
      }
      CacheWatcher[] self = new CacheWatcher[1];
      CacheWatcher w =
          new CacheWatcher(
              filter, bookmarks, queueCapacity, () -> removeWatcher(self[0], filter.nodeName()));
      self[0] = w;
      if (fromRevision == 0) {
        for (Map.Entry<String, ObjectNode> e :
            objects.tailMap(filter.keyPrefix(), true).entrySet()) {
          if (!e.getKey().startsWith(filter.keyPrefix())) {
            break;
          }
          if (filter.predicate().test(e.getValue())) {
            w.addInitial(new CacheWatcher.Item("ADDED", e.getValue(), revision));
          }
        }
      } else {
        for (CachedEvent e : history) {
          if (e.revision() > fromRevision) {
            w.offer(e);
          }
        }
      }
      addWatcher(w, filter.nodeName());
      return w;
    } finally {
      lock.unlock();
    }
  }

  /** Sends a bookmark at the current revision to every idle watcher that asked for bookmarks. */
  void bookmark(String apiVersion, String kind) {
    lock.lock();
    try {
      ObjectNode obj = Json.object().put("kind", kind).put("apiVersion", apiVersion);
      Json.metadata(obj).put("resourceVersion", Long.toString(revision));
      for (CacheWatcher w : watchers) {
        if (w.wantsBookmarks()) {
          w.bookmark(obj, revision);
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** Ends every watch (server stop). */
  void terminateAll() {
    lock.lock();
    try {
      for (CacheWatcher w : watchers) {
        w.terminate();
      }
      clearWatchers();
    } finally {
      lock.unlock();
    }
  }

  private static ObjectNode decode(byte[] value, long rev) {
    ObjectNode o = Json.parseObject(value);
    Json.metadata(o).put("resourceVersion", Long.toString(rev));
    return o;
  }
}
