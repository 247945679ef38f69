package io.k8j.store.embedded;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.k8j.common.Clock;
import io.k8j.store.CompactedException;
import io.k8j.store.KeyRange;
import io.k8j.store.LeaseId;
import io.k8j.store.RecordingListener;
import io.k8j.store.Revision;
import io.k8j.store.StoreException;
import io.k8j.store.WatchEvent;
import io.k8j.store.WatchListener;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Slow watchers are moved aside and catch up from history; writers never wait for them. */
class WatchHubTest {
  private static final int BUFFER = 4;

  @TempDir Path dir;
  private EmbeddedStore store;

  @BeforeEach
  void open() {
    store = EmbeddedStore.open(dir, Clock.SYSTEM, BUFFER);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void aSlowWatcherMissesNothingAfterItsBufferOverflows() throws Exception {
    BlockedListener slow = new BlockedListener();
    RecordingListener fast = new RecordingListener();
    store.watch(KeyRange.prefix("/w/"), Revision.ZERO, slow);
    store.watch(KeyRange.prefix("/w/"), Revision.ZERO, fast);

    write(1);
    slow.entered.await();
    write(100);
    assertThat(fast.awaitRevision(Revision.of(101))).hasSize(101);
    slow.release.countDown();

    List<WatchEvent> events = slow.recorded.awaitRevision(Revision.of(101));
    assertThat(slow.recorded.revisions())
        .containsExactlyElementsOf(LongStream.rangeClosed(1, 101).boxed().toList());
    assertThat(events).isEqualTo(fast.events());
    assertThat(slow.recorded.violations()).isEmpty();

    write(10);
    assertThat(slow.recorded.awaitRevision(Revision.of(111))).hasSize(111);
  }

  @Test
  void aSlowWatcherWhoseHistoryWasCompactedEndsWithAnError() throws Exception {
    BlockedListener slow = new BlockedListener();
    store.watch(KeyRange.prefix("/w/"), Revision.ZERO, slow);
    write(1);
    slow.entered.await();
    write(20);
    store.compact(store.currentRevision());
    slow.release.countDown();

    StoreException error = slow.recorded.awaitError();
    assertThat(error).isInstanceOf(CompactedException.class);
    assertThat(((CompactedException) error).compactRevision()).isEqualTo(Revision.of(21));
    assertThat(slow.recorded.violations()).isEmpty();
  }

  @Test
  void closingTheStoreEndsRunningWatches() {
    RecordingListener listener = new RecordingListener();
    store.watch(KeyRange.prefix("/w/"), Revision.ZERO, listener);
    store.close();
    assertThat(listener.awaitError()).hasMessageContaining("closed");
    assertThat(listener.violations()).isEmpty();
  }

  @Test
  void aWatchFromAFutureRevisionStartsThere() {
    RecordingListener listener = new RecordingListener();
    store.watch(KeyRange.prefix("/w/"), Revision.of(5), listener);
    write(10);
    assertThat(listener.awaitRevision(Revision.of(10)))
        .extracting(e -> e.revision().value())
        .containsExactly(5L, 6L, 7L, 8L, 9L, 10L);
  }

  private int written;

  private void write(int n) {
    for (int i = 0; i < n; i++) {
      store.create("/w/k" + written++, "v".getBytes(UTF_8), LeaseId.NONE);
    }
  }

  /** Blocks in its first call until released, then records. */
  private static final class BlockedListener implements WatchListener {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final RecordingListener recorded = new RecordingListener();

    @Override
    public void onEvents(List<WatchEvent> events) {
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      recorded.onEvents(events);
    }

    @Override
    public void onError(StoreException error) {
      recorded.onError(error);
    }
  }
}
