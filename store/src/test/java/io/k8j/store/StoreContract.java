package io.k8j.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The conformance suite of the {@link Store} contract: every backend runs it by extending this
 * class. Revisions are asserted relative to the store's revision at the start of each test, so a
 * backend whose fresh store does not start at revision 0 (etcd starts at 1) passes too.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class StoreContract {
  /**
   * A short lease TTL, though above etcd's minimum (2 s): the keep-alive test renews on a real
   * clock every 300 ms, and a loaded machine can stall that thread for longer than 2 s minus a
   * poll.
   */
  protected static final Duration LEASE_TTL = Duration.ofSeconds(5);

  /** How long a lease may take to expire after its TTL, at most. */
  protected static final Duration EXPIRY_WAIT = Duration.ofSeconds(30);

  protected Store store;
  private final List<Watch> watches = new ArrayList<>();

  /** A fresh, empty store; the contract closes it after the test. */
  protected abstract Store newStore();

  @BeforeEach
  void openStore() {
    store = newStore();
  }

  @AfterEach
  void closeStore() {
    watches.forEach(Watch::close);
    if (store != null) {
      store.close();
    }
  }

  // ---- revisions and versions

  @Test
  void eachSuccessfulWriteAdvancesTheRevisionByOne() {
    Revision start = store.currentRevision();

    WriteResult created = store.create("/t/a", bytes("1"), LeaseId.NONE);
    assertThat(created.succeeded()).isTrue();
    assertThat(created.revision()).isEqualTo(start.next());
    assertThat(created.kv()).isEqualTo(kv("/t/a", "1", created.revision(), created.revision(), 1));

    WriteResult updated = store.update("/t/a", bytes("2"), created.revision(), LeaseId.NONE);
    assertThat(updated.succeeded()).isTrue();
    assertThat(updated.revision()).isEqualTo(start.next().next());
    assertThat(updated.kv()).isEqualTo(kv("/t/a", "2", created.revision(), updated.revision(), 2));

    WriteResult other = store.create("/t/b", bytes("x"), LeaseId.NONE);
    assertThat(other.revision()).isEqualTo(updated.revision().next());

    WriteResult deleted = store.delete("/t/a", updated.revision());
    assertThat(deleted.succeeded()).isTrue();
    assertThat(deleted.revision()).isEqualTo(other.revision().next());
    assertThat(deleted.kv()).as("a delete returns the value before").isEqualTo(updated.kv());
    assertThat(store.get("/t/a")).isNull();

    WriteResult recreated = store.create("/t/a", bytes("3"), LeaseId.NONE);
    assertThat(recreated.revision()).isEqualTo(deleted.revision().next());
    assertThat(recreated.kv())
        .as("a new incarnation starts at version 1")
        .isEqualTo(kv("/t/a", "3", recreated.revision(), recreated.revision(), 1));
    assertThat(store.get("/t/a")).isEqualTo(recreated.kv());
    assertThat(store.currentRevision()).isEqualTo(recreated.revision());
  }

  @Test
  void versionCountsTheUpdatesOfAKey() {
    KeyValue kv = create("/t/a", "v0");
    for (int i = 1; i <= 5; i++) {
      kv = update(kv, "v" + i);
    }
    KeyValue got = store.get("/t/a");
    assertThat(got.version()).isEqualTo(6);
    assertThat(got.valueAsString()).isEqualTo("v5");
    assertThat(got.createRevision()).isEqualTo(Revision.of(got.modRevision().value() - 5));
  }

  @Test
  void failedConditionsWriteNothingAndConsumeNoRevision() {
    KeyValue a = create("/t/a", "1");
    KeyValue a2 = update(a, "2");
    Revision current = store.currentRevision();

    WriteResult createExisting = store.create("/t/a", bytes("x"), LeaseId.NONE);
    assertThat(createExisting.succeeded()).isFalse();
    assertThat(createExisting.kv()).isEqualTo(a2);
    assertThat(createExisting.revision()).isEqualTo(current);

    WriteResult staleUpdate = store.update("/t/a", bytes("x"), a.modRevision(), LeaseId.NONE);
    assertThat(staleUpdate.succeeded()).isFalse();
    assertThat(staleUpdate.kv()).isEqualTo(a2);
    assertThat(staleUpdate.revision()).isEqualTo(current);

    WriteResult missingUpdate = store.update("/t/none", bytes("x"), current, LeaseId.NONE);
    assertThat(missingUpdate.succeeded()).isFalse();
    assertThat(missingUpdate.kv()).isNull();
    assertThat(missingUpdate.revision()).isEqualTo(current);

    WriteResult staleDelete = store.delete("/t/a", a.modRevision());
    assertThat(staleDelete.succeeded()).isFalse();
    assertThat(staleDelete.kv()).isEqualTo(a2);

    WriteResult missingDelete = store.delete("/t/none", Revision.ZERO);
    assertThat(missingDelete.succeeded()).isFalse();
    assertThat(missingDelete.kv()).isNull();
    assertThat(missingDelete.revision()).isEqualTo(current);

    assertThat(store.currentRevision()).isEqualTo(current);
    assertThat(store.get("/t/a")).isEqualTo(a2);
    assertThat(store.get("/t/none")).isNull();
    assertThat(create("/t/b", "1").modRevision()).isEqualTo(current.next());
  }

  @Test
  void unconditionalDeleteRemovesWhateverIsThere() {
    KeyValue a = update(create("/t/a", "1"), "2");
    WriteResult deleted = store.delete("/t/a", Revision.ZERO);
    assertThat(deleted.succeeded()).isTrue();
    assertThat(deleted.kv()).isEqualTo(a);
    assertThat(deleted.revision()).isEqualTo(a.modRevision().next());
    assertThat(store.get("/t/a")).isNull();

    WriteResult again = store.delete("/t/a", Revision.ZERO);
    assertThat(again.succeeded()).isFalse();
    assertThat(again.revision()).isEqualTo(deleted.revision());
  }

  // ---- ranges

  @Test
  void rangeOverAPrefixReturnsTheLiveKeysInKeyOrder() {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      keys.add("/t/p/k" + i);
    }
    List<String> shuffled = new ArrayList<>(keys);
    Collections.shuffle(shuffled, new Random(7));
    shuffled.forEach(k -> create(k, "value of " + k));
    create("/t/p", "outside");
    create("/t/p0", "outside");
    create("/t/q/k1", "outside");
    create("/t/o/k1", "outside");
    store.delete("/t/p/k4", Revision.ZERO);
    keys.remove("/t/p/k4");

    RangeResult r = store.range(RangeRequest.prefix("/t/p/"));

    assertThat(r.kvs()).extracting(KeyValue::key).containsExactlyElementsOf(keys);
    assertThat(r.kvs()).allSatisfy(kv -> assertThat(kv.valueAsString()).endsWith(kv.key()));
    assertThat(r.count()).isEqualTo(9);
    assertThat(r.more()).isFalse();
    assertThat(r.revision()).isEqualTo(store.currentRevision());
  }

  @Test
  void rangeOfOneKeyReturnsOnlyThatKey() {
    create("/t/a", "1");
    create("/t/ab", "2");
    RangeResult r = store.range(RangeRequest.of(KeyRange.key("/t/a")));
    assertThat(r.kvs()).extracting(KeyValue::key).containsExactly("/t/a");
    assertThat(r.count()).isEqualTo(1);
    assertThat(store.range(RangeRequest.of(KeyRange.key("/t/none"))).kvs()).isEmpty();
  }

  @Test
  void rangePagesWithLimitAndContinuationAtOneRevision() {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      keys.add("/t/p/k" + i);
      create("/t/p/k" + i, "v" + i);
    }
    RangeRequest request = RangeRequest.prefix("/t/p/").withLimit(3);

    RangeResult first = store.range(request);
    assertThat(first.kvs()).extracting(KeyValue::key).containsExactlyElementsOf(keys.subList(0, 3));
    assertThat(first.more()).isTrue();
    assertThat(first.count()).isEqualTo(10);

    // writes between pages must not show up in later pages
    create("/t/p/k55", "new");
    store.delete("/t/p/k7", Revision.ZERO);

    List<String> seen = new ArrayList<>(first.kvs().stream().map(KeyValue::key).toList());
    RangeResult page = first;
    int pages = 1;
    while (page.more()) {
      String last = page.kvs().getLast().key();
      page = store.range(request.atRevision(first.revision()).startingAt(last + "\0"));
      assertThat(page.revision()).isEqualTo(first.revision());
      assertThat(page.kvs()).hasSizeLessThanOrEqualTo(3);
      if (pages == 1) {
        assertThat(page.count()).as("count of the continued range").isEqualTo(7);
      }
      page.kvs().forEach(kv -> seen.add(kv.key()));
      pages++;
    }
    assertThat(seen).containsExactlyElementsOf(keys);
    assertThat(pages).isEqualTo(4);
  }

  @Test
  void countOnlyAndKeysOnlyRanges() {
    for (int i = 0; i < 5; i++) {
      create("/t/p/k" + i, "value" + i);
    }
    RangeResult counted = store.range(RangeRequest.prefix("/t/p/").countingOnly());
    assertThat(counted.kvs()).isEmpty();
    assertThat(counted.count()).isEqualTo(5);

    RangeResult limitedCount = store.range(RangeRequest.prefix("/t/p/").withLimit(2));
    assertThat(limitedCount.count()).isEqualTo(5);

    RangeResult keysOnly = store.range(RangeRequest.prefix("/t/p/").withoutValues());
    List<KeyValue> full = store.range(RangeRequest.prefix("/t/p/")).kvs();
    assertThat(keysOnly.kvs()).hasSize(5);
    for (int i = 0; i < 5; i++) {
      KeyValue k = keysOnly.kvs().get(i);
      KeyValue f = full.get(i);
      assertThat(k.value()).isEmpty();
      assertThat(k.key()).isEqualTo(f.key());
      assertThat(k.modRevision()).isEqualTo(f.modRevision());
      assertThat(k.createRevision()).isEqualTo(f.createRevision());
      assertThat(k.version()).isEqualTo(f.version());
    }
  }

  @Test
  void rangeAtAnOlderRevisionSeesASnapshot() {
    KeyValue a = create("/t/p/a", "a1");
    KeyValue b = create("/t/p/b", "b1");
    KeyValue c = create("/t/p/c", "c1");
    Revision snapshot = store.currentRevision();

    update(a, "a2");
    store.delete("/t/p/b", Revision.ZERO);
    create("/t/p/d", "d1");
    store.delete("/t/p/c", Revision.ZERO);
    create("/t/p/c", "c2");

    RangeResult old = store.range(RangeRequest.prefix("/t/p/").atRevision(snapshot));
    assertThat(old.revision()).isEqualTo(snapshot);
    assertThat(old.kvs()).containsExactly(a, b, c);
    assertThat(old.count()).isEqualTo(3);

    RangeResult before = store.range(RangeRequest.prefix("/t/p/").atRevision(b.modRevision()));
    assertThat(before.kvs()).containsExactly(a, b);

    RangeResult oneKey = store.range(RangeRequest.of(KeyRange.key("/t/p/b")).atRevision(snapshot));
    assertThat(oneKey.kvs()).containsExactly(b);

    RangeResult now = store.range(RangeRequest.prefix("/t/p/"));
    assertThat(now.kvs())
        .extracting(KeyValue::key, KeyValue::valueAsString)
        .containsExactly(tuple("/t/p/a", "a2"), tuple("/t/p/c", "c2"), tuple("/t/p/d", "d1"));
  }

  @Test
  void rangeAtAFutureRevisionFails() {
    create("/t/a", "1");
    Revision future = store.currentRevision().next();
    assertThatThrownBy(() -> store.range(RangeRequest.prefix("/t/").atRevision(future)))
        .isInstanceOf(FutureRevisionException.class);
  }

  // ---- watches

  @Test
  void keyWatchFromNowDeliversLaterChangesWithPreviousValues() {
    KeyValue v1 = create("/t/a", "1");
    RecordingListener listener = watch(KeyRange.key("/t/a"), Revision.ZERO);

    KeyValue v2 = update(v1, "2");
    create("/t/b", "not watched");
    WriteResult deleted = store.delete("/t/a", Revision.ZERO);
    KeyValue v3 = create("/t/a", "3");

    List<WatchEvent> events = listener.awaitEvents(3);
    assertThat(events).hasSize(3);

    WatchEvent put = events.get(0);
    assertThat(put.type()).isEqualTo(WatchEvent.Type.PUT);
    assertThat(put.kv()).isEqualTo(v2);
    assertThat(put.prevKv()).isEqualTo(v1);
    assertThat(put.isCreate()).isFalse();

    WatchEvent delete = events.get(1);
    assertThat(delete.type()).isEqualTo(WatchEvent.Type.DELETE);
    assertThat(delete.revision()).isEqualTo(deleted.revision());
    assertThat(delete.kv().key()).isEqualTo("/t/a");
    assertThat(delete.kv().value()).isEmpty();
    assertThat(delete.kv().version()).isZero();
    assertThat(delete.prevKv()).isEqualTo(v2);
    assertThat(delete.isCreate()).isFalse();

    WatchEvent recreate = events.get(2);
    assertThat(recreate.type()).isEqualTo(WatchEvent.Type.PUT);
    assertThat(recreate.kv()).isEqualTo(v3);
    assertThat(recreate.prevKv()).isNull();
    assertThat(recreate.isCreate()).isTrue();

    assertThat(listener.violations()).isEmpty();
    assertThat(listener.error()).isNull();
  }

  @Test
  void prefixWatchFromAnOldRevisionReplaysHistoryThenLiveChanges() {
    List<KeyValue> written = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      written.add(create("/t/p/k" + i, "v" + i));
      create("/t/q/k" + i, "outside");
    }
    Revision from = written.get(2).modRevision();
    RecordingListener listener = watch(KeyRange.prefix("/t/p/"), from);
    for (int i = 6; i < 10; i++) {
      written.add(create("/t/p/k" + i, "v" + i));
      create("/t/q/k" + i, "outside");
    }

    List<WatchEvent> events = listener.awaitEvents(8);
    assertThat(events).extracting(WatchEvent::kv).containsExactlyElementsOf(written.subList(2, 10));
    assertThat(events).allSatisfy(e -> assertThat(e.isCreate()).isTrue());
    assertThat(listener.violations()).isEmpty();
  }

  @Test
  void watchStartedWhileWritersRunSeesExactlyTheChangesFromItsStart() throws Exception {
    int writers = 4;
    int perWriter = 100;
    Revision base = store.currentRevision();
    ConcurrentSkipListMap<Revision, KeyValue> written = new ConcurrentSkipListMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        done.add(
            pool.submit(
                () -> {
                  KeyValue[] last = new KeyValue[10];
                  for (int i = 0; i < perWriter; i++) {
                    int slot = i % 10;
                    String key = "/t/w/" + writer + "-" + slot;
                    last[slot] =
                        last[slot] == null ? create(key, "v" + i) : update(last[slot], "v" + i);
                    written.put(last[slot].modRevision(), last[slot]);
                  }
                }));
      }
      int total = writers * perWriter;
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> store.currentRevision().value() >= base.value() + total / 2);
      Revision fromOld = Revision.of(base.value() + total / 4);
      RecordingListener catchingUp = watch(KeyRange.prefix("/t/w/"), fromOld);
      Revision beforeNow = store.currentRevision();
      RecordingListener fromNow = watch(KeyRange.prefix("/t/w/"), Revision.ZERO);
      Revision afterNow = store.currentRevision();
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
      Revision last = store.currentRevision();
      assertThat(last.value()).isEqualTo(base.value() + total);

      List<WatchEvent> caught = catchingUp.awaitRevision(last);
      assertThat(caught)
          .extracting(WatchEvent::kv)
          .containsExactlyElementsOf(written.tailMap(fromOld).values());
      assertPrevKvsChain(caught);

      if (afterNow.isBefore(last)) {
        List<WatchEvent> live = fromNow.awaitRevision(last);
        Revision first = live.getFirst().revision();
        assertThat(first.value()).isBetween(beforeNow.value() + 1, afterNow.value() + 1);
        assertThat(live)
            .extracting(WatchEvent::kv)
            .containsExactlyElementsOf(written.tailMap(first).values());
      }
      assertThat(catchingUp.violations()).isEmpty();
      assertThat(fromNow.violations()).isEmpty();
      assertThat(catchingUp.error()).isNull();
      assertThat(fromNow.error()).isNull();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void severalWatchersSeeIdenticalSequences() throws Exception {
    Revision start = create("/t/x", "before").modRevision().next();
    List<RecordingListener> listeners = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      listeners.add(watch(KeyRange.prefix("/t/p/"), start));
    }
    runConcurrently(
        4,
        w -> {
          for (int i = 0; i < 25; i++) {
            KeyValue kv = create("/t/p/" + w + "-" + i, "v");
            if (i % 3 == 0) {
              update(kv, "v2");
            }
            if (i % 5 == 0) {
              store.delete(kv.key(), Revision.ZERO);
            }
          }
        });
    Revision last = store.currentRevision();
    List<WatchEvent> reference = listeners.getFirst().awaitRevision(last);
    assertThat(reference).hasSize((int) (last.value() - start.value() + 1));
    for (RecordingListener l : listeners) {
      assertThat(l.awaitRevision(last)).containsExactlyElementsOf(reference);
      assertThat(l.violations()).isEmpty();
    }
  }

  @Test
  void closingAWatchStopsDelivery() {
    RecordingListener closed = new RecordingListener();
    Watch watch = store.watch(KeyRange.prefix("/t/"), Revision.ZERO, closed);
    RecordingListener open = watch(KeyRange.prefix("/t/"), Revision.ZERO);
    create("/t/a", "1");
    closed.awaitEvents(1);

    watch.close();
    watch.close();
    for (int i = 0; i < 20; i++) {
      create("/t/b" + i, "after close");
    }
    open.awaitEvents(21);
    assertThat(closed.events()).hasSize(1);
    assertThat(closed.violations()).isEmpty();
  }

  @Test
  void watchFromACompactedRevisionFails() {
    KeyValue a = create("/t/a", "1");
    update(a, "2");
    Revision compactAt = store.currentRevision();
    create("/t/b", "1");
    store.compact(compactAt);

    RecordingListener listener = new RecordingListener();
    assertThatThrownBy(() -> store.watch(KeyRange.prefix("/t/"), a.modRevision(), listener))
        .isInstanceOfSatisfying(
            CompactedException.class, e -> assertThat(e.compactRevision()).isEqualTo(compactAt));

    RecordingListener atCompact = watch(KeyRange.prefix("/t/"), compactAt);
    assertThat(atCompact.awaitEvents(2))
        .extracting(e -> e.kv().key())
        .containsExactly("/t/a", "/t/b");
  }

  // ---- concurrency

  @Test
  void concurrentReadModifyWriteLosesNoUpdate() throws Exception {
    int threads = 16;
    int incrementsPerThread = 10;
    KeyValue start = create("/t/counter", "0");
    Set<Revision> successes = Collections.synchronizedSet(new HashSet<>());
    List<Revision> duplicates = Collections.synchronizedList(new ArrayList<>());

    runConcurrently(
        threads,
        t -> {
          int done = 0;
          KeyValue seen = store.get("/t/counter");
          while (done < incrementsPerThread) {
            long n = Long.parseLong(seen.valueAsString());
            WriteResult r =
                store.update(
                    "/t/counter", bytes(Long.toString(n + 1)), seen.modRevision(), LeaseId.NONE);
            if (r.succeeded()) {
              if (!successes.add(r.revision())) {
                duplicates.add(r.revision());
              }
              done++;
              seen = r.kv();
            } else {
              seen = r.kv();
            }
          }
        });

    int total = threads * incrementsPerThread;
    KeyValue end = store.get("/t/counter");
    assertThat(duplicates).isEmpty();
    assertThat(successes).hasSize(total);
    assertThat(end.valueAsString()).isEqualTo(Integer.toString(total));
    assertThat(end.version()).isEqualTo(total + 1);
    assertThat(end.modRevision().value()).isEqualTo(start.modRevision().value() + total);
    assertThat(store.currentRevision()).isEqualTo(end.modRevision());
  }

  @Test
  void concurrentCreatesOfOneKeyHaveExactlyOneWinner() throws Exception {
    int threads = 16;
    List<WriteResult> results = Collections.synchronizedList(new ArrayList<>());
    Revision before = store.currentRevision();
    runConcurrently(
        threads, t -> results.add(store.create("/t/one", bytes("by " + t), LeaseId.NONE)));

    List<WriteResult> winners = results.stream().filter(WriteResult::succeeded).toList();
    assertThat(winners).hasSize(1);
    KeyValue won = winners.getFirst().kv();
    assertThat(results)
        .filteredOn(r -> !r.succeeded())
        .hasSize(threads - 1)
        .allSatisfy(r -> assertThat(r.kv()).isEqualTo(won));
    assertThat(store.get("/t/one")).isEqualTo(won);
    assertThat(store.currentRevision()).isEqualTo(before.next());
  }

  // ---- compaction

  @Test
  void compactionDiscardsOlderHistoryAndKeepsCurrentValues() {
    KeyValue a1 = create("/t/a", "1");
    KeyValue b1 = create("/t/b", "1");
    KeyValue a2 = update(a1, "2");
    store.delete("/t/b", Revision.ZERO);
    KeyValue c1 = create("/t/c", "1");
    Revision compactAt = store.currentRevision();
    KeyValue a3 = update(a2, "3");

    store.compact(compactAt);

    assertThat(store.compactRevision()).isEqualTo(compactAt);
    assertThatThrownBy(() -> store.range(RangeRequest.prefix("/t/").atRevision(b1.modRevision())))
        .isInstanceOfSatisfying(
            CompactedException.class, e -> assertThat(e.compactRevision()).isEqualTo(compactAt));
    assertThatThrownBy(
            () -> store.range(RangeRequest.prefix("/t/").atRevision(compactAt.previous())))
        .isInstanceOf(CompactedException.class);
    assertThat(store.range(RangeRequest.prefix("/t/").atRevision(compactAt)).kvs())
        .containsExactly(a2, c1);
    assertThat(store.range(RangeRequest.prefix("/t/")).kvs()).containsExactly(a3, c1);
    assertThat(store.range(RangeRequest.prefix("/t/")).count()).isEqualTo(2);
    assertThat(update(a3, "4").version()).isEqualTo(4);
    assertThat(store.currentRevision()).isEqualTo(a3.modRevision().next());
  }

  @Test
  void compactingBackwardsDoesNothing() {
    KeyValue a1 = create("/t/a", "1");
    KeyValue a2 = update(a1, "2");
    KeyValue a3 = update(a2, "3");
    store.compact(a3.modRevision());
    store.compact(a1.modRevision());
    store.compact(a3.modRevision());
    assertThat(store.compactRevision()).isEqualTo(a3.modRevision());
    assertThatThrownBy(() -> store.range(RangeRequest.prefix("/t/").atRevision(a2.modRevision())))
        .isInstanceOf(CompactedException.class);
    assertThat(store.get("/t/a")).isEqualTo(a3);
  }

  @Test
  void compactingAFutureRevisionFails() {
    create("/t/a", "1");
    Revision future = store.currentRevision().next();
    assertThatThrownBy(() -> store.compact(future)).isInstanceOf(FutureRevisionException.class);
  }

  // ---- leases

  @Test
  void anExpiredLeaseDeletesItsKeysWithDeleteEvents() {
    LeaseId lease = store.grantLease(LEASE_TTL);
    KeyValue a = createWithLease("/t/a", "1", lease);
    KeyValue b = createWithLease("/t/b", "1", lease);
    KeyValue kept = create("/t/c", "no lease");
    assertThat(a.lease()).isEqualTo(lease);
    assertThat(store.get("/t/b").lease()).isEqualTo(lease);
    RecordingListener listener = watch(KeyRange.prefix("/t/"), Revision.ZERO);

    await().atMost(EXPIRY_WAIT).until(() -> store.get("/t/a") == null && store.get("/t/b") == null);

    List<WatchEvent> events = listener.awaitEvents(2);
    assertThat(events).hasSize(2);
    assertThat(events).allSatisfy(e -> assertThat(e.type()).isEqualTo(WatchEvent.Type.DELETE));
    assertThat(events).extracting(WatchEvent::prevKv).containsExactlyInAnyOrder(a, b);
    assertThat(events).allSatisfy(e -> assertThat(e.revision()).isGreaterThan(kept.modRevision()));
    assertThat(store.currentRevision()).isEqualTo(events.getLast().revision());
    assertThat(store.get("/t/c")).isEqualTo(kept);
    assertThat(listener.violations()).isEmpty();
  }

  @Test
  void keepAliveExtendsALeaseUntilItStops() {
    LeaseId lease = store.grantLease(LEASE_TTL);
    createWithLease("/t/a", "1", lease);

    await()
        .during(LEASE_TTL.multipliedBy(2))
        .atMost(LEASE_TTL.multipliedBy(3))
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> {
              store.keepAlive(lease);
              return store.get("/t/a") != null;
            });

    await().atMost(EXPIRY_WAIT).until(() -> store.get("/t/a") == null);
    assertThatThrownBy(() -> store.keepAlive(lease)).isInstanceOf(LeaseNotFoundException.class);
    assertThatThrownBy(() -> createWithLease("/t/b", "1", lease))
        .isInstanceOf(LeaseNotFoundException.class);
  }

  @Test
  void revokingALeaseDeletesItsKeysNow() {
    LeaseId lease = store.grantLease(Duration.ofMinutes(5));
    KeyValue a = createWithLease("/t/a", "1", lease);
    KeyValue a2 = store.update("/t/a", bytes("2"), a.modRevision(), lease).kv();
    RecordingListener listener = watch(KeyRange.key("/t/a"), Revision.ZERO);

    store.revokeLease(lease);

    assertThat(store.get("/t/a")).isNull();
    List<WatchEvent> events = listener.awaitEvents(1);
    assertThat(events.getFirst().type()).isEqualTo(WatchEvent.Type.DELETE);
    assertThat(events.getFirst().prevKv()).isEqualTo(a2);
    assertThat(store.currentRevision()).isEqualTo(a2.modRevision().next());
    assertThatThrownBy(() -> store.keepAlive(lease)).isInstanceOf(LeaseNotFoundException.class);
    store.revokeLease(lease);
    store.revokeLease(new LeaseId(123456789));
  }

  @Test
  void writingWithAnUnknownLeaseFails() {
    LeaseId unknown = new LeaseId(987654321);
    Revision before = store.currentRevision();
    assertThatThrownBy(() -> store.create("/t/a", bytes("1"), unknown))
        .isInstanceOf(LeaseNotFoundException.class);
    KeyValue a = create("/t/a", "1");
    assertThatThrownBy(() -> store.update("/t/a", bytes("2"), a.modRevision(), unknown))
        .isInstanceOf(LeaseNotFoundException.class);
    assertThat(store.get("/t/a")).isEqualTo(a);
    assertThat(store.currentRevision()).isEqualTo(before.next());
    assertThatThrownBy(() -> store.keepAlive(unknown)).isInstanceOf(LeaseNotFoundException.class);
  }

  @Test
  void updatingWithoutALeaseDetachesTheKey() {
    LeaseId lease = store.grantLease(Duration.ofMinutes(5));
    KeyValue a = createWithLease("/t/a", "1", lease);
    KeyValue detached = update(a, "2");
    assertThat(detached.lease()).isEqualTo(LeaseId.NONE);
    store.revokeLease(lease);
    assertThat(store.get("/t/a")).isEqualTo(detached);
  }

  // ---- helpers

  protected static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  protected static KeyValue kv(
      String key, String value, Revision create, Revision mod, long version) {
    return new KeyValue(key, bytes(value), create, mod, version, LeaseId.NONE);
  }

  /** Creates a key that must not exist yet. */
  protected KeyValue create(String key, String value) {
    return createWithLease(key, value, LeaseId.NONE);
  }

  protected KeyValue createWithLease(String key, String value, LeaseId lease) {
    WriteResult r = store.create(key, bytes(value), lease);
    assertThat(r.succeeded()).as("create %s", key).isTrue();
    return r.kv();
  }

  /** Updates a key that must still be at {@code current}. */
  protected KeyValue update(KeyValue current, String value) {
    WriteResult r = store.update(current.key(), bytes(value), current.modRevision(), LeaseId.NONE);
    assertThat(r.succeeded()).as("update %s", current.key()).isTrue();
    return r.kv();
  }

  /** Starts a watch that the contract closes after the test. */
  protected RecordingListener watch(KeyRange range, Revision start) {
    RecordingListener listener = new RecordingListener();
    watches.add(store.watch(range, start, listener));
    return listener;
  }

  /** Each event's prevKv is the version of that key just before it. */
  private static void assertPrevKvsChain(List<WatchEvent> events) {
    for (WatchEvent e : events) {
      if (e.kv().version() == 1) {
        assertThat(e.prevKv()).as("prevKv of a create").isNull();
      } else {
        assertThat(e.prevKv()).as("prevKv of %s", e.kv()).isNotNull();
        assertThat(e.prevKv().key()).isEqualTo(e.kv().key());
        assertThat(e.prevKv().version()).isEqualTo(e.kv().version() - 1);
        assertThat(e.prevKv().modRevision()).isLessThan(e.kv().modRevision());
      }
    }
  }

  /** A body run by one of several threads; {@code thread} is its number. */
  protected interface ThreadBody {
    void run(int thread) throws Exception;
  }

  /** Runs {@code threads} bodies at once, released together, and rethrows the first failure. */
  protected static void runConcurrently(int threads, ThreadBody body) throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  go.await();
                  body.run(thread);
                  return null;
                }));
      }
      go.countDown();
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
