package io.k8j.store.embedded;

import io.k8j.common.Clock;
import io.k8j.store.FutureRevisionException;
import io.k8j.store.KeyRange;
import io.k8j.store.LeaseId;
import io.k8j.store.RangeRequest;
import io.k8j.store.RangeResult;
import io.k8j.store.Revision;
import io.k8j.store.Store;
import io.k8j.store.StoreException;
import io.k8j.store.Watch;
import io.k8j.store.WatchListener;
import io.k8j.store.WriteResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default store: one node, in process, durable. Writes go through the {@link Committer} (group
 * commit into RocksDB, acknowledged once synced to disk); reads are answered by the in-memory
 * {@link MvccIndex}; watches are served by the {@link WatchHub}; leases are kept by the {@link
 * LeaseKeeper} on the injected clock.
 */
public final class EmbeddedStore implements Store {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedStore.class);

  private final Database database;
  private final MvccIndex index;
  private final LeaseKeeper leases;
  private final WatchHub hub;
  private final Committer committer;
  private final Object compaction = new Object();
  private volatile boolean closed;

  private EmbeddedStore(Database database, Clock clock, int watchBufferEvents) {
    this.database = database;
    this.index = new MvccIndex(database);
    database.forEachRecord(index::load);
    index.loaded(database.compactRevision());
    this.leases = new LeaseKeeper(database, clock);
    index.forEachLive(leases::attach);
    this.hub = new WatchHub(database, index, watchBufferEvents);
    this.committer = new Committer(database, index, leases, hub);
    leases.start(
        lease ->
            committer.submit(
                new WriteRequest.RevokeLease(lease, new CompletableFuture<WriteResult>())));
  }

  /** Opens (or creates) the store in {@code dataDir}, with the system clock. */
  public static EmbeddedStore open(Path dataDir) {
    return open(dataDir, Clock.SYSTEM);
  }

  /**
   * Opens (or creates) the store in {@code dataDir}; lease deadlines follow {@code clock}.
   *
   * @throws StoreException naming the path if the directory holds anything but an embedded store
   */
  public static EmbeddedStore open(Path dataDir, Clock clock) {
    return open(dataDir, clock, WatchHub.DEFAULT_BUFFER_EVENTS);
  }

  static EmbeddedStore open(Path dataDir, Clock clock, int watchBufferEvents) {
    long started = System.nanoTime();
    Path dir = dataDir.toAbsolutePath();
    Database database = DataDirectory.open(dir);
    EmbeddedStore store;
    try {
      store = new EmbeddedStore(database, clock, watchBufferEvents);
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
    log.info(
        "embedded store opened at {}: revision {}, compact revision {}, {} keys, {} leases, in {} ms",
        dir,
        store.index.currentRevision(),
        store.index.compactRevision(),
        store.index.liveKeys(),
        store.leases.count(),
        Duration.ofNanos(System.nanoTime() - started).toMillis());
    return store;
  }

  @Override
  public Revision currentRevision() {
    return index.currentRevision();
  }

  @Override
  public RangeResult range(RangeRequest request) {
    checkOpen();
    return index.range(request);
  }

  @Override
  public WriteResult create(String key, byte[] value, LeaseId lease) {
    return write(new WriteRequest.Create(key, value.clone(), lease, new CompletableFuture<>()));
  }

  @Override
  public WriteResult update(String key, byte[] value, Revision expectedModRevision, LeaseId lease) {
    return write(
        new WriteRequest.Update(
            key, value.clone(), expectedModRevision, lease, new CompletableFuture<>()));
  }

  @Override
  public WriteResult delete(String key, Revision expectedModRevision) {
    return write(new WriteRequest.Delete(key, expectedModRevision, new CompletableFuture<>()));
  }

  private WriteResult write(WriteRequest request) {
    CompletableFuture<WriteResult> result = committer.submit(request);
    try {
      return result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted waiting for a write; it may or may not be made", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StoreException se) {
        throw se;
      }
      throw new StoreException("write failed: " + e.getCause(), e.getCause());
    }
  }

  @Override
  public Watch watch(KeyRange range, Revision startRevision, WatchListener listener) {
    checkOpen();
    return hub.watch(range, startRevision, listener);
  }

  @Override
  public void compact(Revision revision) {
    checkOpen();
    synchronized (compaction) {
      Revision current = index.currentRevision();
      if (revision.isAfter(current)) {
        throw new FutureRevisionException(revision, current);
      }
      if (!revision.isAfter(index.compactRevision())) {
        return;
      }
      List<Long> dropped = index.compact(revision.value());
      try (Database.Batch batch = database.newBatch()) {
        batch.putCompactRevision(revision.value());
        dropped.forEach(batch::deleteRecord);
        database.commit(batch);
      }
    }
  }

  @Override
  public Revision compactRevision() {
    return index.compactRevision();
  }

  @Override
  public LeaseId grantLease(Duration ttl) {
    checkOpen();
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("a lease needs a positive TTL: " + ttl);
    }
    return leases.grant(ttl);
  }

  @Override
  public void keepAlive(LeaseId lease) {
    checkOpen();
    leases.keepAlive(lease);
  }

  @Override
  public void revokeLease(LeaseId lease) {
    if (leases.exists(lease)) {
      write(new WriteRequest.RevokeLease(lease, new CompletableFuture<>()));
    }
  }

  /** How many synced batches the write path has written. */
  long syncs() {
    return committer.syncs();
  }

  private void checkOpen() {
    if (closed) {
      throw new StoreException("the embedded store at " + database.path() + " is closed");
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    leases.close();
    committer.close();
    hub.close();
    Revision revision = index.currentRevision();
    database.close();
    log.info("embedded store closed at {}: revision {}", database.path(), revision);
  }
}
