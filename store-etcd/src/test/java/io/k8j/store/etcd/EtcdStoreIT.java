package io.k8j.store.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.k8j.store.KeyValue;
import io.k8j.store.Revision;
import io.k8j.store.Store;
import io.k8j.store.StoreContract;
import io.k8j.store.StoreException;
import io.k8j.testing.etcd.EtcdCluster;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The store contract on a one-member etcd, one cluster for the class, emptied before each test; and
 * what only the etcd backend promises.
 */
class EtcdStoreIT extends StoreContract {
  private static EtcdCluster etcd;

  @BeforeAll
  static void startEtcd() {
    etcd = EtcdCluster.start(1);
  }

  @AfterAll
  static void stopEtcd() {
    if (etcd != null) {
      etcd.close();
    }
  }

  @Override
  protected Store newStore() {
    EtcdKeySpace.wipe(etcd.clientEndpoints());
    return EtcdStore.connect(EtcdStoreConfig.of(etcd.clientEndpoints()));
  }

  @Test
  void everyClientSeesTheCompactRevisionAndCompactionConsumesNoRevision() {
    KeyValue a = create("/t/a", "1");
    KeyValue a2 = update(a, "2");
    try (EtcdStore other = EtcdStore.connect(EtcdStoreConfig.of(etcd.clientEndpoints()))) {
      Revision before = other.compactRevision();
      assertThat(before).isLessThan(a2.modRevision());

      store.compact(a2.modRevision());

      assertThat(other.compactRevision()).isEqualTo(a2.modRevision());
      assertThat(store.compactRevision()).isEqualTo(a2.modRevision());
      assertThat(other.currentRevision()).isEqualTo(a2.modRevision());
    }
  }

  @Test
  void connectingWhereNoEtcdListensFailsWithinTheTimeout() {
    EtcdStoreConfig nowhere =
        new EtcdStoreConfig(
            List.of("http://127.0.0.1:1"), Duration.ofMillis(500), Duration.ofSeconds(2));
    long started = System.nanoTime();
    assertThatThrownBy(() -> EtcdStore.connect(nowhere))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("cannot reach etcd at [http://127.0.0.1:1]");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
  }
}
