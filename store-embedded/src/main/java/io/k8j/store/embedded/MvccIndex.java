package io.k8j.store.embedded;

import io.k8j.store.CompactedException;
import io.k8j.store.FutureRevisionException;
import io.k8j.store.KeyRange;
import io.k8j.store.KeyValue;
import io.k8j.store.RangeRequest;
import io.k8j.store.RangeResult;
import io.k8j.store.Revision;
import io.k8j.store.WatchEvent;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * The in-memory multi-version index: for every key, the versions history still holds, in key order.
 * Reads at any revision since the compact revision are answered from it, with older values fetched
 * from the database. Only the committer changes it (after a write is on disk) and compaction prunes
 * it; reads run concurrently under a read lock.
 */
final class MvccIndex {
  private static final byte[] EMPTY = new byte[0];

  private final Database database;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final TreeMap<String, KeyHistory> keys = new TreeMap<>();
  private volatile long current;
  private volatile long compacted;

  MvccIndex(Database database) {
    this.database = database;
  }

  Revision currentRevision() {
    return Revision.of(current);
  }

  Revision compactRevision() {
    return Revision.of(compacted);
  }

  /** Adds a record read from the database at start-up, in revision order. */
  void load(RevisionRecord r) {
    keys.computeIfAbsent(r.key(), k -> new KeyHistory())
        .append(KeyHistory.Version.of(r.keyValue(), r.tombstone()), r.value());
    current = Math.max(current, r.revision());
  }

  /** Sets the revisions found at start-up: history starts at {@code compacted}. */
  void loaded(long compactRevision) {
    compacted = compactRevision;
    current = Math.max(current, compactRevision);
  }

  /** The key as it is now, or null if it does not exist. */
  KeyValue live(String key) {
    lock.readLock().lock();
    try {
      KeyHistory h = keys.get(key);
      return h == null ? null : h.live(key);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Calls {@code consumer} with every key that exists now. */
  void forEachLive(Consumer<KeyValue> consumer) {
    lock.readLock().lock();
    try {
      keys.forEach(
          (key, h) -> {
            KeyValue kv = h.live(key);
            if (kv != null) {
              consumer.accept(kv);
            }
          });
    } finally {
      lock.readLock().unlock();
    }
  }

  /** How many keys exist now. */
  long liveKeys() {
    lock.readLock().lock();
    try {
      return keys.entrySet().stream().filter(e -> e.getValue().live(e.getKey()) != null).count();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Applies committed changes, in revision order; readers see all of them or none. */
  void apply(List<WatchEvent> events) {
    lock.writeLock().lock();
    try {
      for (WatchEvent e : events) {
        boolean tombstone = e.type() == WatchEvent.Type.DELETE;
        keys.computeIfAbsent(e.kv().key(), k -> new KeyHistory())
            .append(KeyHistory.Version.of(e.kv(), tombstone), e.kv().value());
      }
      if (!events.isEmpty()) {
        current = events.getLast().revision().value();
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  private record Found(String key, KeyHistory.Version version, byte[] cached) {}

  RangeResult range(RangeRequest request) {
    List<Found> found = new ArrayList<>();
    long count = 0;
    long revision;
    lock.readLock().lock();
    try {
      revision = request.revision().isZero() ? current : request.revision().value();
      check(request.revision(), revision);
      for (Map.Entry<String, KeyHistory> e : candidates(request.range()).entrySet()) {
        KeyHistory.Version v = e.getValue().at(revision);
        if (v == null || v.tombstone()) {
          continue;
        }
        count++;
        if (!request.countOnly() && (request.limit() == 0 || found.size() < request.limit())) {
          found.add(new Found(e.getKey(), v, e.getValue().cachedValue(v)));
        }
      }
    } finally {
      lock.readLock().unlock();
    }
    List<KeyValue> kvs = new ArrayList<>(found.size());
    for (Found f : found) {
      byte[] value = request.keysOnly() ? EMPTY : f.cached();
      if (value == null) {
        value = valueAt(f.version().modRevision(), request.revision());
      }
      kvs.add(f.version().toKeyValue(f.key(), value));
    }
    boolean more = !request.countOnly() && request.limit() > 0 && count > request.limit();
    return new RangeResult(kvs, Revision.of(revision), count, more);
  }

  private void check(Revision requested, long revision) {
    if (revision > current) {
      throw new FutureRevisionException(requested, Revision.of(current));
    }
    if (revision < compacted) {
      throw new CompactedException(requested, Revision.of(compacted));
    }
  }

  private NavigableMap<String, KeyHistory> candidates(KeyRange range) {
    if (range.isSingleKey()) {
      KeyHistory h = keys.get(range.start());
      TreeMap<String, KeyHistory> one = new TreeMap<>();
      if (h != null) {
        one.put(range.start(), h);
      }
      return one;
    }
    if (range.start().compareTo(range.end()) >= 0) {
      return new TreeMap<>();
    }
    return keys.subMap(range.start(), true, range.end(), false);
  }

  /** An older value, from disk; a compaction since the index was read makes it gone. */
  private byte[] valueAt(long modRevision, Revision requested) {
    RevisionRecord r = database.record(modRevision);
    if (r == null) {
      throw new CompactedException(requested, Revision.of(compacted));
    }
    return r.value();
  }

  /**
   * Forgets the history older than {@code revision}, keeping every key's version in effect at it.
   *
   * @return the revisions whose records the database no longer needs
   */
  List<Long> compact(long revision) {
    lock.writeLock().lock();
    try {
      if (revision <= compacted) {
        return List.of();
      }
      compacted = revision;
      List<Long> dropped = new ArrayList<>();
      Iterator<KeyHistory> it = keys.values().iterator();
      while (it.hasNext()) {
        KeyHistory h = it.next();
        dropped.addAll(h.compact(revision));
        if (h.isEmpty()) {
          it.remove();
        }
      }
      return dropped;
    } finally {
      lock.writeLock().unlock();
    }
  }
}
