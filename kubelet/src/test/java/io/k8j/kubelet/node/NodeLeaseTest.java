package io.k8j.kubelet.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.k8j.common.Clock;
import io.k8j.testing.cluster.TestApiServer;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class NodeLeaseTest {
  static TestApiServer api;
  static KubernetesClient client;

  @BeforeAll
  static void start() {
    api = TestApiServer.start();
    client = api.client();
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  /** A clock whose now is set by the test; the lease is renewed by direct calls, no thread. */
  private static Clock at(AtomicReference<Instant> now) {
    return new Clock() {
      @Override
      public Instant now() {
        return now.get();
      }

      @Override
      public long nanoTime() {
        return now.get().toEpochMilli() * 1_000_000;
      }

      @Override
      public void sleep(Duration d) throws InterruptedException {
        Thread.sleep(d);
      }
    };
  }

  private static Lease lease(String node) {
    return client.leases().inNamespace(NodeLease.NAMESPACE).withName(node).get();
  }

  /** Every node renews every 10 s: a renewal is one update, the lease is not read first. */
  @Test
  void renewingTheLeaseIsOneUpdateOfTheLeaseTheLastOneReturned() {
    AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    NodeLease lease =
        new NodeLease(client, "lease-one", 40, Duration.ofSeconds(10), at(now), () -> null);
    lease.renew();
    long reads = api.requests("leases", "get");
    long updates = api.requests("leases", "update");
    for (int i = 1; i <= 3; i++) {
      now.set(now.get().plusSeconds(10));
      lease.renew();
    }
    assertThat(api.requests("leases", "update") - updates).isEqualTo(3);
    assertThat(api.requests("leases", "get") - reads).isZero();
    assertThat(lease("lease-one").getSpec().getRenewTime().toInstant())
        .isEqualTo(Instant.parse("2026-01-01T00:00:30Z"));
  }

  @Test
  void aLeaseSomeoneElseWroteOrDeletedIsReadOrCreatedAgainAndRenewed() {
    AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    NodeLease lease =
        new NodeLease(client, "lease-two", 40, Duration.ofSeconds(10), at(now), () -> null);
    lease.renew();
    Lease other = lease("lease-two");
    other.getSpec().setHolderIdentity("someone-else");
    client.leases().inNamespace(NodeLease.NAMESPACE).resource(other).update();

    now.set(now.get().plusSeconds(10));
    lease.renew();
    Lease renewed = lease("lease-two");
    assertThat(renewed.getSpec().getHolderIdentity()).isEqualTo("lease-two");
    assertThat(renewed.getSpec().getRenewTime().toInstant())
        .isEqualTo(Instant.parse("2026-01-01T00:00:10Z"));

    client.leases().inNamespace(NodeLease.NAMESPACE).withName("lease-two").delete();
    now.set(now.get().plusSeconds(10));
    lease.renew();
    assertThat(lease("lease-two").getSpec().getRenewTime().toInstant())
        .isEqualTo(Instant.parse("2026-01-01T00:00:20Z"));
  }
}
