package io.k8j.store.embedded;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.k8j.common.FakeClock;
import io.k8j.store.KeyRange;
import io.k8j.store.KeyValue;
import io.k8j.store.LeaseId;
import io.k8j.store.LeaseNotFoundException;
import io.k8j.store.RecordingListener;
import io.k8j.store.Revision;
import io.k8j.store.WatchEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lease expiry follows the injected clock, not the wall clock. */
class EmbeddedLeaseTest {
  @TempDir Path dir;
  private final FakeClock clock = new FakeClock();
  private EmbeddedStore store;

  @BeforeEach
  void open() {
    store = EmbeddedStore.open(dir, clock);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void anExpiredLeaseDeletesEachKeyAtItsOwnRevision() {
    LeaseId lease = store.grantLease(Duration.ofSeconds(10));
    KeyValue a = create("/l/a", lease);
    KeyValue b = create("/l/b", lease);
    KeyValue c = create("/l/c", LeaseId.NONE);
    RecordingListener listener = new RecordingListener();
    store.watch(KeyRange.prefix("/l/"), Revision.ZERO, listener);

    clock.advance(Duration.ofSeconds(9));
    store.keepAlive(lease);
    clock.advance(Duration.ofSeconds(11));

    List<WatchEvent> events = listener.awaitEvents(2);
    assertThat(events).extracting(WatchEvent::type).containsOnly(WatchEvent.Type.DELETE);
    assertThat(events).extracting(WatchEvent::prevKv).containsExactly(a, b);
    assertThat(events)
        .extracting(e -> e.revision().value())
        .containsExactly(c.modRevision().value() + 1, c.modRevision().value() + 2);
    assertThat(store.get("/l/c")).isEqualTo(c);
    assertThatThrownBy(() -> store.keepAlive(lease)).isInstanceOf(LeaseNotFoundException.class);
  }

  @Test
  void keepAliveHoldsALeaseWhileAShorterOneExpires() {
    LeaseId kept = store.grantLease(Duration.ofSeconds(10));
    LeaseId left = store.grantLease(Duration.ofSeconds(5));
    create("/l/kept", kept);
    create("/l/left", left);

    for (int i = 0; i < 4; i++) {
      clock.advance(Duration.ofSeconds(4));
      store.keepAlive(kept);
    }

    await().atMost(Duration.ofSeconds(30)).until(() -> store.get("/l/left") == null);
    assertThat(store.get("/l/kept")).isNotNull();
    store.keepAlive(kept);
  }

  @Test
  void aLeaseWhoseDeadlinePassedCannotTakeKeysOrBeKeptAlive() {
    LeaseId lease = store.grantLease(Duration.ofSeconds(5));
    clock.advance(Duration.ofSeconds(5));
    assertThatThrownBy(() -> store.keepAlive(lease)).isInstanceOf(LeaseNotFoundException.class);
    assertThatThrownBy(() -> store.create("/l/a", new byte[0], lease))
        .isInstanceOf(LeaseNotFoundException.class);
  }

  @Test
  void updatingAKeyOntoAnotherLeaseMovesIt() {
    LeaseId first = store.grantLease(Duration.ofSeconds(5));
    LeaseId second = store.grantLease(Duration.ofMinutes(5));
    KeyValue a = create("/l/a", first);
    KeyValue moved = store.update("/l/a", "2".getBytes(UTF_8), a.modRevision(), second).kv();

    clock.advance(Duration.ofSeconds(6));
    LeaseId sentinel = store.grantLease(Duration.ofSeconds(1));
    create("/l/sentinel", sentinel);
    clock.advance(Duration.ofSeconds(2));
    await().atMost(Duration.ofSeconds(30)).until(() -> store.get("/l/sentinel") == null);

    assertThat(store.get("/l/a")).isEqualTo(moved);
    store.revokeLease(second);
    assertThat(store.get("/l/a")).isNull();
  }

  private KeyValue create(String key, LeaseId lease) {
    var r = store.create(key, key.getBytes(UTF_8), lease);
    assertThat(r.succeeded()).isTrue();
    return r.kv();
  }
}
