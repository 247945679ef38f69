package io.k8j.store.etcd;

import io.k8j.store.Store;
import io.k8j.store.StoreContract;
import io.k8j.testing.etcd.EtcdCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The store contract on a three-member etcd: reads, writes and watches spread over members that
 * forward to the leader, one cluster for the class, emptied before each test.
 */
class EtcdStoreClusterIT extends StoreContract {
  private static EtcdCluster etcd;

  @BeforeAll
  static void startEtcd() {
    etcd = EtcdCluster.start(3);
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
}
