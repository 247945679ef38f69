package io.k8j.store.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.DeleteOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Empties an etcd cluster's key space between tests, so each test starts with no keys (revisions go
 * on from where they were, which the contract allows).
 */
final class EtcdKeySpace {
  private static final ByteSequence ALL = ByteSequence.from(new byte[] {0});

  private EtcdKeySpace() {}

  static void wipe(List<String> endpoints) {
    try (Client client = Client.builder().endpoints(endpoints.toArray(String[]::new)).build()) {
      client
          .getKVClient()
          .delete(ALL, DeleteOption.builder().withRange(ALL).build())
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot empty etcd at " + endpoints, e);
    }
  }
}
