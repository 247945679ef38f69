package io.k8j.store.embedded;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.k8j.store.CompactedException;
import io.k8j.store.KeyRange;
import io.k8j.store.KeyValue;
import io.k8j.store.LeaseId;
import io.k8j.store.RangeRequest;
import io.k8j.store.RangeResult;
import io.k8j.store.RecordingListener;
import io.k8j.store.Revision;
import io.k8j.store.Watch;
import io.k8j.store.WatchEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a store held is all there after closing and opening it again. */
class EmbeddedStoreRestartTest {
  @TempDir Path dir;

  @Test
  void keysHistoryAndRevisionsSurviveARestart() {
    Revision snapshot;
    RangeResult before;
    RangeResult beforeAtSnapshot;
    List<WatchEvent> history;
    try (EmbeddedStore store = EmbeddedStore.open(dir)) {
      for (int i = 0; i < 20; i++) {
        store.create("/r/k" + i, bytes("v" + i), LeaseId.NONE);
      }
      KeyValue k3 = store.get("/r/k3");
      store.update("/r/k3", bytes("v3b"), k3.modRevision(), LeaseId.NONE);
      store.delete("/r/k5", Revision.ZERO);
      store.compact(Revision.of(10));
      snapshot = store.currentRevision();
      store.delete("/r/k6", Revision.ZERO);
      store.create("/r/k5", bytes("again"), LeaseId.NONE);
      before = store.range(RangeRequest.prefix("/r/"));
      beforeAtSnapshot = store.range(RangeRequest.prefix("/r/").atRevision(snapshot));
      history = replay(store, Revision.of(10), store.currentRevision());
    }

    try (EmbeddedStore store = EmbeddedStore.open(dir)) {
      assertThat(store.currentRevision()).isEqualTo(before.revision());
      assertThat(store.compactRevision()).isEqualTo(Revision.of(10));
      assertThat(store.range(RangeRequest.prefix("/r/"))).isEqualTo(before);
      assertThat(store.range(RangeRequest.prefix("/r/").atRevision(snapshot)))
          .isEqualTo(beforeAtSnapshot);
      assertThatThrownBy(() -> store.range(RangeRequest.prefix("/r/").atRevision(Revision.of(9))))
          .isInstanceOf(CompactedException.class);
      assertThat(replay(store, Revision.of(10), store.currentRevision())).isEqualTo(history);

      KeyValue k1 = store.get("/r/k1");
      var updated = store.update("/r/k1", bytes("after restart"), k1.modRevision(), LeaseId.NONE);
      assertThat(updated.revision()).isEqualTo(before.revision().next());
      assertThat(updated.kv().version()).isEqualTo(2);
    }
  }

  @Test
  void aStoreWhoseLastWriteWasCompactedAwayKeepsItsRevision() {
    try (EmbeddedStore store = EmbeddedStore.open(dir)) {
      store.create("/r/a", bytes("1"), LeaseId.NONE);
      store.delete("/r/a", Revision.ZERO);
      store.create("/r/b", bytes("1"), LeaseId.NONE);
      store.delete("/r/b", Revision.ZERO);
      store.compact(Revision.of(4));
      store.compact(Revision.of(4));
    }
    try (EmbeddedStore store = EmbeddedStore.open(dir)) {
      assertThat(store.currentRevision()).isEqualTo(Revision.of(4));
      assertThat(store.range(RangeRequest.prefix("/r/")).kvs()).isEmpty();
      assertThat(store.create("/r/a", bytes("2"), LeaseId.NONE).revision())
          .isEqualTo(Revision.of(5));
    }
  }

  @Test
  void leasesSurviveARestartWithTheirFullTtl() {
    LeaseId lease;
    try (EmbeddedStore store = EmbeddedStore.open(dir)) {
      lease = store.grantLease(Duration.ofMinutes(10));
      store.create("/r/leased", bytes("1"), lease);
    }
    try (EmbeddedStore store = EmbeddedStore.open(dir)) {
      store.keepAlive(lease);
      RecordingListener listener = new RecordingListener();
      try (Watch w = store.watch(KeyRange.prefix("/r/"), Revision.ZERO, listener)) {
        store.revokeLease(lease);
        assertThat(listener.awaitEvents(1).getFirst().prevKv().key()).isEqualTo("/r/leased");
      }
      assertThat(store.get("/r/leased")).isNull();
    }
  }

  private static List<WatchEvent> replay(EmbeddedStore store, Revision from, Revision to) {
    RecordingListener listener = new RecordingListener();
    try (Watch w = store.watch(KeyRange.prefix("/r/"), from, listener)) {
      listener.awaitRevision(to);
    }
    assertThat(listener.violations()).isEmpty();
    return listener.events();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }
}
