package io.k8j.store.etcd;

import io.k8j.store.Store;
import io.k8j.store.StoreContract;
import io.k8j.testing.etcd.EtcdCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The store contract on a one-member etcd, one cluster for the class, emptied before each test. */
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
}
