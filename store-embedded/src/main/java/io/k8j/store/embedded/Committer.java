package io.k8j.store.embedded;

import io.k8j.store.KeyValue;
import io.k8j.store.LeaseId;
import io.k8j.store.LeaseNotFoundException;
import io.k8j.store.Revision;
import io.k8j.store.StoreException;
import io.k8j.store.WatchEvent;
import io.k8j.store.WriteResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write path, on one thread. Writers enqueue requests; the committer drains the queue, checks
 * each condition against the index (and the batch's own earlier writes), gives the successful
 * writes consecutive revisions, writes them in one synced batch, then applies them to the index,
 * the leases and the watch hub in revision order and completes the writers' futures. Concurrent
 * writers thereby share one sync (group commit).
 */
final class Committer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Committer.class);
  private static final int MAX_BATCH = 1024;
  private static final byte[] EMPTY = new byte[0];

  /** Put in the queue by {@link #close}: the committer stops when it reaches it. */
  private static final WriteRequest STOP = new WriteRequest.RevokeLease(LeaseId.NONE, null);

  private final Database database;
  private final MvccIndex index;
  private final LeaseKeeper leases;
  private final WatchHub hub;
  private final BlockingQueue<WriteRequest> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private boolean stopping;
  private volatile StoreException failure;
  private volatile long syncs;

  Committer(Database database, MvccIndex index, LeaseKeeper leases, WatchHub hub) {
    this.database = database;
    this.index = index;
    this.leases = leases;
    this.hub = hub;
    this.thread = Thread.ofPlatform().daemon().name("embedded-store-committer").start(this::run);
  }

  /** Queues a write; the future completes once it is durable and visible, or has failed. */
  CompletableFuture<WriteResult> submit(WriteRequest request) {
    synchronized (this) {
      StoreException failed = failure;
      if (failed == null && stopping) {
        failed = new StoreException("the embedded store at " + database.path() + " is closed");
      }
      if (failed != null) {
        request.result().completeExceptionally(failed);
      } else {
        queue.add(request);
      }
    }
    return request.result();
  }

  private void run() {
    List<WriteRequest> batch = new ArrayList<>();
    while (true) {
      batch.clear();
      try {
        batch.add(queue.take());
      } catch (InterruptedException e) {
        return;
      }
      queue.drainTo(batch, MAX_BATCH - 1);
      int stop = batch.indexOf(STOP);
      try {
        commit(stop >= 0 ? batch.subList(0, stop) : batch);
      } catch (RuntimeException e) {
        fail(new StoreException("the embedded store's write path broke: " + e, e), batch);
      }
      if (stop >= 0) {
        return;
      }
    }
  }

  private void commit(List<WriteRequest> requests) {
    if (requests.isEmpty()) {
      return;
    }
    Pass pass = new Pass(index.currentRevision().value());
    List<Runnable> completions = new ArrayList<>(requests.size());
    for (WriteRequest r : requests) {
      try {
        WriteResult result = pass.evaluate(r);
        completions.add(() -> r.result().complete(result));
      } catch (StoreException e) {
        completions.add(() -> r.result().completeExceptionally(e));
      }
    }
    if (!pass.events.isEmpty() || !pass.revoked.isEmpty()) {
      try (Database.Batch batch = database.newBatch()) {
        pass.events.forEach(e -> batch.putRecord(RevisionRecord.of(e)));
        pass.revoked.forEach(batch::deleteLease);
        database.commit(batch);
        syncs++;
      } catch (StoreException e) {
        fail(e, requests);
        return;
      }
      if (!pass.events.isEmpty()) {
        index.apply(pass.events);
        leases.track(pass.events);
        hub.publish(pass.events);
      }
    }
    completions.forEach(Runnable::run);
  }

  /** A write that could not be made durable leaves memory ahead of disk: stop taking writes. */
  private void fail(StoreException e, List<WriteRequest> requests) {
    log.error("embedded store at {} stops taking writes", database.path(), e);
    synchronized (this) {
      failure =
          new StoreException(
              "the embedded store at " + database.path() + " failed to write; restart it", e);
    }
    requests.stream().filter(r -> r != STOP).forEach(r -> r.result().completeExceptionally(e));
    List<WriteRequest> rest = new ArrayList<>();
    queue.drainTo(rest);
    rest.stream().filter(r -> r != STOP).forEach(r -> r.result().completeExceptionally(failure));
  }

  /** One batch's evaluation: the keys its earlier writes changed, its revisions and events. */
  private final class Pass {
    private final Map<String, KeyValue> written = new HashMap<>();
    private final List<WatchEvent> events = new ArrayList<>();
    private final List<LeaseId> revoked = new ArrayList<>();
    private long revision;

    Pass(long revision) {
      this.revision = revision;
    }

    WriteResult evaluate(WriteRequest request) {
      return switch (request) {
        case WriteRequest.Create c -> create(c);
        case WriteRequest.Update u -> update(u);
        case WriteRequest.Delete d -> delete(d.key(), d.expectedModRevision());
        case WriteRequest.RevokeLease r -> revoke(r.lease());
      };
    }

    private KeyValue current(String key) {
      return written.containsKey(key) ? written.get(key) : index.live(key);
    }

    private WriteResult failed(KeyValue current) {
      return new WriteResult(false, Revision.of(revision), current);
    }

    private void checkLease(LeaseId lease) {
      if (!lease.isNone() && !leases.isLive(lease)) {
        throw new LeaseNotFoundException(lease);
      }
    }

    private WriteResult create(WriteRequest.Create c) {
      KeyValue current = current(c.key());
      if (current != null) {
        return failed(current);
      }
      checkLease(c.lease());
      Revision rev = Revision.of(++revision);
      return put(new KeyValue(c.key(), c.value(), rev, rev, 1, c.lease()), null);
    }

    private WriteResult update(WriteRequest.Update u) {
      KeyValue current = current(u.key());
      if (current == null || !current.modRevision().equals(u.expectedModRevision())) {
        return failed(current);
      }
      checkLease(u.lease());
      Revision rev = Revision.of(++revision);
      KeyValue kv =
          new KeyValue(
              u.key(), u.value(), current.createRevision(), rev, current.version() + 1, u.lease());
      return put(kv, current);
    }

    private WriteResult put(KeyValue kv, KeyValue previous) {
      written.put(kv.key(), kv);
      events.add(new WatchEvent(WatchEvent.Type.PUT, kv, previous));
      return new WriteResult(true, kv.modRevision(), kv);
    }

    private WriteResult delete(String key, Revision expected) {
      KeyValue current = current(key);
      if (current == null || (!expected.isZero() && !current.modRevision().equals(expected))) {
        return failed(current);
      }
      Revision rev = Revision.of(++revision);
      KeyValue tombstone = new KeyValue(key, EMPTY, Revision.ZERO, rev, 0, LeaseId.NONE);
      written.put(key, null);
      events.add(new WatchEvent(WatchEvent.Type.DELETE, tombstone, current));
      return new WriteResult(true, rev, current);
    }

    private WriteResult revoke(LeaseId lease) {
      List<String> attached = leases.remove(lease);
      if (attached == null) {
        return failed(null);
      }
      TreeSet<String> keys = new TreeSet<>(attached);
      written.forEach(
          (key, kv) -> {
            if (kv != null && kv.lease().equals(lease)) {
              keys.add(key);
            }
          });
      for (String key : keys) {
        KeyValue current = current(key);
        if (current != null && current.lease().equals(lease)) {
          delete(key, Revision.ZERO);
        }
      }
      revoked.add(lease);
      return new WriteResult(true, Revision.of(revision), null);
    }
  }

  /** How many batches have been written; fewer than the writes when writers share syncs. */
  long syncs() {
    return syncs;
  }

  @Override
  public void close() {
    synchronized (this) {
      if (stopping) {
        return;
      }
      stopping = true;
      queue.add(STOP);
    }
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
