package io.k8j.store.embedded;

import io.k8j.store.KeyRange;
import io.k8j.store.LeaseId;
import io.k8j.store.Revision;
import io.k8j.store.StoreException;
import io.k8j.store.WatchEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The RocksDB database under an embedded store: revision records in one column family, leases in
 * another, metadata (format marker, compact revision) in the default one. Every write is synced to
 * disk before it returns. Closing waits for calls in flight and makes later calls fail, so that no
 * thread touches a closed database.
 */
final class Database implements AutoCloseable {
  static final byte[] FORMAT_KEY = bytes("format");
  static final byte[] FORMAT = bytes("k8j-store-embedded/1");
  private static final byte[] COMPACT_KEY = bytes("compact-revision");

  private final Path path;
  private final RocksDB db;
  private final ColumnFamilyHandle meta;
  private final ColumnFamilyHandle revisions;
  private final ColumnFamilyHandle leases;
  private final List<ColumnFamilyHandle> handles;
  private final WriteOptions syncWrites = new WriteOptions().setSync(true);
  private final ReadWriteLock closeLock = new ReentrantReadWriteLock();
  private boolean closed;

  private final List<? extends AutoCloseable> options;

  /** Takes over the database, its column families and the options to close after them. */
  Database(
      Path path,
      RocksDB db,
      List<ColumnFamilyHandle> handles,
      List<? extends AutoCloseable> options) {
    this.path = path;
    this.db = db;
    this.handles = handles;
    this.options = options;
    this.meta = handles.get(0);
    this.revisions = handles.get(1);
    this.leases = handles.get(2);
  }

  Path path() {
    return path;
  }

  /** A set of changes written atomically by {@link #commit}. */
  final class Batch implements AutoCloseable {
    private final WriteBatch batch = new WriteBatch();

    void putRecord(RevisionRecord r) {
      run(() -> batch.put(revisions, Revision.of(r.revision()).encode(), r.encode()));
    }

    void deleteRecord(long revision) {
      run(() -> batch.delete(revisions, Revision.of(revision).encode()));
    }

    void putLease(LeaseId id, long ttlMillis) {
      run(() -> batch.put(leases, longBytes(id.value()), longBytes(ttlMillis)));
    }

    void deleteLease(LeaseId id) {
      run(() -> batch.delete(leases, longBytes(id.value())));
    }

    void putCompactRevision(long revision) {
      run(() -> batch.put(meta, COMPACT_KEY, longBytes(revision)));
    }

    boolean isEmpty() {
      return batch.count() == 0;
    }

    @Override
    public void close() {
      batch.close();
    }
  }

  Batch newBatch() {
    return new Batch();
  }

  /** Writes the batch atomically and returns once it is on disk. */
  void commit(Batch batch) {
    guardedRun(() -> db.write(syncWrites, batch.batch));
  }

  /** The record of one revision, or null if there is none (never written, or compacted). */
  RevisionRecord record(long revision) {
    byte[] bytes = guarded(() -> db.get(revisions, Revision.of(revision).encode()));
    return bytes == null ? null : decode(revision, bytes);
  }

  /** Every revision record, in revision order. */
  void forEachRecord(Consumer<RevisionRecord> consumer) {
    guarded(
        () -> {
          try (RocksIterator it = db.newIterator(revisions)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
              consumer.accept(decode(Revision.decode(it.key()).value(), it.value()));
            }
            it.status();
          }
          return null;
        });
  }

  /** The granted leases and their TTLs in milliseconds. */
  Map<LeaseId, Long> leases() {
    return guarded(
        () -> {
          Map<LeaseId, Long> out = new HashMap<>();
          try (RocksIterator it = db.newIterator(leases)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
              out.put(new LeaseId(toLong(it.key())), toLong(it.value()));
            }
            it.status();
          }
          return out;
        });
  }

  long compactRevision() {
    byte[] b = guarded(() -> db.get(meta, COMPACT_KEY));
    return b == null ? 0 : toLong(b);
  }

  /** Events read from history: those in {@code [from, next)}, with {@code next <= upTo + 1}. */
  record HistoryChunk(List<WatchEvent> events, long next) {}

  /**
   * Reads the changes of {@code range} with revisions from {@code from} to {@code upTo} from one
   * consistent snapshot, with their previous values where history still has them, stopping after
   * {@code max} events.
   */
  HistoryChunk history(long from, long upTo, KeyRange range, int max) {
    return guarded(
        () -> {
          Snapshot snapshot = db.getSnapshot();
          try (ReadOptions read = new ReadOptions().setSnapshot(snapshot);
              RocksIterator it = db.newIterator(revisions, read)) {
            List<WatchEvent> events = new ArrayList<>();
            long next = from;
            for (it.seek(Revision.of(from).encode()); it.isValid(); it.next()) {
              long revision = Revision.decode(it.key()).value();
              if (revision > upTo || events.size() >= max) {
                break;
              }
              next = revision + 1;
              RevisionRecord r = decode(revision, it.value());
              if (range.contains(r.key())) {
                events.add(toEvent(r, read));
              }
            }
            it.status();
            return new HistoryChunk(events, events.size() >= max ? next : Math.max(next, upTo + 1));
          } finally {
            db.releaseSnapshot(snapshot);
          }
        });
  }

  private WatchEvent toEvent(RevisionRecord r, ReadOptions read) throws RocksDBException {
    RevisionRecord prev = null;
    if (r.prevRevision() != 0) {
      byte[] b = db.get(revisions, read, Revision.of(r.prevRevision()).encode());
      prev = b == null ? null : decode(r.prevRevision(), b);
    }
    return new WatchEvent(
        r.tombstone() ? WatchEvent.Type.DELETE : WatchEvent.Type.PUT,
        r.keyValue(),
        prev == null ? null : prev.keyValue());
  }

  private RevisionRecord decode(long revision, byte[] bytes) {
    try {
      return RevisionRecord.decode(revision, bytes);
    } catch (IllegalArgumentException e) {
      throw new StoreException("corrupt embedded store at " + path + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    closeLock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      syncWrites.close();
      handles.forEach(ColumnFamilyHandle::close);
      db.close();
      for (AutoCloseable o : options) {
        try {
          o.close();
        } catch (Exception e) {
          throw new StoreException("closing the embedded store at " + path + ": " + e, e);
        }
      }
    } finally {
      closeLock.writeLock().unlock();
    }
  }

  private interface DbCall<T> {
    T call() throws RocksDBException;
  }

  private interface DbAction {
    void run() throws RocksDBException;
  }

  private <T> T guarded(DbCall<T> call) {
    closeLock.readLock().lock();
    try {
      if (closed) {
        throw new StoreException("the embedded store at " + path + " is closed");
      }
      return call.call();
    } catch (RocksDBException e) {
      throw new StoreException("embedded store at " + path + ": " + e.getMessage(), e);
    } finally {
      closeLock.readLock().unlock();
    }
  }

  private void guardedRun(DbAction action) {
    guarded(
        () -> {
          action.run();
          return null;
        });
  }

  private void run(DbAction action) {
    try {
      action.run();
    } catch (RocksDBException e) {
      throw new StoreException("embedded store at " + path + ": " + e.getMessage(), e);
    }
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] longBytes(long v) {
    return ByteBuffer.allocate(Long.BYTES).putLong(v).array();
  }

  static long toLong(byte[] b) {
    return ByteBuffer.wrap(b).getLong();
  }
}
