package io.k8j.store.embedded;

import io.k8j.store.CompactedException;
import io.k8j.store.KeyRange;
import io.k8j.store.Revision;
import io.k8j.store.StoreException;
import io.k8j.store.Watch;
import io.k8j.store.WatchEvent;
import io.k8j.store.WatchListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Fans committed changes out to watchers, as etcd's watchable store. A synced watcher gets events
 * straight from the write path into its bounded buffer. A watcher that starts from an older
 * revision, or whose buffer overflowed (a victim), is unsynced: its own thread replays history
 * until it has caught up with what was published, then rejoins the synced set under the hub's lock,
 * so nothing is missed or repeated. Writers never wait for a watcher.
 */
final class WatchHub implements AutoCloseable {
  static final int DEFAULT_BUFFER_EVENTS = 4096;
  private static final int HISTORY_CHUNK = 512;

  private final Database database;
  private final MvccIndex index;
  private final int bufferEvents;
  private final ReentrantLock lock = new ReentrantLock();
  private final List<Watcher> synced = new ArrayList<>();
  private final Set<Watcher> all = ConcurrentHashMap.newKeySet();
  private volatile long published;
  private boolean closed;

  WatchHub(Database database, MvccIndex index, int bufferEvents) {
    this.database = database;
    this.index = index;
    this.bufferEvents = bufferEvents;
    this.published = index.currentRevision().value();
  }

  Watch watch(KeyRange range, Revision start, WatchListener listener) {
    lock.lock();
    try {
      if (closed) {
        throw new StoreException("the embedded store at " + database.path() + " is closed");
      }
      Revision compacted = index.compactRevision();
      if (!start.isZero() && start.isBefore(compacted)) {
        throw new CompactedException(start, compacted);
      }
      // "from now" is after the store's current revision, which the index reaches before the
      // committer publishes it here: starting after `published` alone would deliver a change
      // that currentRevision() had already reported
      long from =
          start.isZero() ? Math.max(published, index.currentRevision().value()) + 1 : start.value();
      Watcher w = new Watcher(this, range, listener, from, bufferEvents);
      all.add(w);
      if (from > published) {
        synced.add(w);
      } else {
        w.fallBehind(from);
      }
      w.start();
      return w;
    } finally {
      lock.unlock();
    }
  }

  /** Called by the committer with each batch of committed changes, in revision order. */
  void publish(List<WatchEvent> events) {
    lock.lock();
    try {
      published = events.getLast().revision().value();
      Iterator<Watcher> it = synced.iterator();
      while (it.hasNext()) {
        Watcher w = it.next();
        long overflowAt = w.offer(events);
        if (overflowAt > 0) {
          it.remove();
          w.fallBehind(overflowAt);
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** The revision of the last change handed to watchers. */
  long published() {
    return published;
  }

  /**
   * Reads the history of {@code range} from {@code from} up to {@code upTo}.
   *
   * @throws CompactedException if part of it has been compacted
   */
  Database.HistoryChunk history(long from, long upTo, KeyRange range) {
    Database.HistoryChunk chunk = database.history(from, upTo, range, HISTORY_CHUNK);
    // checked after the read: a compaction that began before the snapshot is seen here
    Revision compacted = index.compactRevision();
    if (from < compacted.value()) {
      throw new CompactedException(Revision.of(from), compacted);
    }
    return chunk;
  }

  /** Moves a caught-up watcher into the synced set if it has seen every published change. */
  boolean tryJoin(Watcher w, long next) {
    lock.lock();
    try {
      if (closed || next != published + 1) {
        return false;
      }
      w.synced();
      synced.add(w);
      return true;
    } finally {
      lock.unlock();
    }
  }

  void remove(Watcher w) {
    lock.lock();
    try {
      synced.remove(w);
      all.remove(w);
    } finally {
      lock.unlock();
    }
  }

  int watchers() {
    return all.size();
  }

  /** Ends every watch with an error and waits a little for their threads. */
  @Override
  public void close() {
    List<Watcher> ending;
    lock.lock();
    try {
      closed = true;
      synced.clear();
      ending = List.copyOf(all);
    } finally {
      lock.unlock();
    }
    StoreException closedError =
        new StoreException("the embedded store at " + database.path() + " is closed");
    ending.forEach(w -> w.end(closedError));
    for (Watcher w : ending) {
      w.awaitEnd(Duration.ofSeconds(2));
    }
  }
}
