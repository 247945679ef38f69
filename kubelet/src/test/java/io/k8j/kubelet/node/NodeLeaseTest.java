package io.k8j.kubelet.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.k8j.common.FakeClock;
import io.k8j.testing.cluster.TestApiServer;
import java.time.Duration;
import java.time.Instant;
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

  private static Lease lease(String node) {
    return client.leases().inNamespace(NodeLease.NAMESPACE).withName(node).get();
  }

  /** Every node renews every 10 s: a renewal is one update, the lease is not read first. */
  @Test
  void renewingTheLeaseIsOneUpdateOfTheLeaseTheLastOneReturned() {
    FakeClock clock = new FakeClock(Instant.parse("2026-01-01T00:00:00Z"));
    NodeLease lease =
        new NodeLease(client, "lease-one", 40, Duration.ofSeconds(10), clock, () -> null);
    lease.renew();
    long reads = api.requests("leases", "get");
    long updates = api.requests("leases", "update");
    for (int i = 1; i <= 3; i++) {
      clock.advance(Duration.ofSeconds(10));
      lease.renew();
    }
    assertThat(api.requests("leases", "update") - updates).isEqualTo(3);
    assertThat(api.requests("leases", "get") - reads).isZero();
    assertThat(lease("lease-one").getSpec().getRenewTime().toInstant())
        .isEqualTo(Instant.parse("2026-01-01T00:00:30Z"));
  }

  @Test
  void aLeaseSomeoneElseWroteOrDeletedIsReadOrCreatedAgainAndRenewed() {
    FakeClock clock = new FakeClock(Instant.parse("2026-01-01T00:00:00Z"));
    NodeLease lease =
        new NodeLease(client, "lease-two", 40, Duration.ofSeconds(10), clock, () -> null);
    lease.renew();
    Lease other = lease("lease-two");
    other.getSpec().setHolderIdentity("someone-else");
    client.leases().inNamespace(NodeLease.NAMESPACE).resource(other).update();

    clock.advance(Duration.ofSeconds(10));
    lease.renew();
    Lease renewed = lease("lease-two");
    assertThat(renewed.getSpec().getHolderIdentity()).isEqualTo("lease-two");
    assertThat(renewed.getSpec().getRenewTime().toInstant())
        .isEqualTo(Instant.parse("2026-01-01T00:00:10Z"));

    client.leases().inNamespace(NodeLease.NAMESPACE).withName("lease-two").delete();
    clock.advance(Duration.ofSeconds(10));
    lease.renew();
    assertThat(lease("lease-two").getSpec().getRenewTime().toInstant())
        .isEqualTo(Instant.parse("2026-01-01T00:00:20Z"));
  }
}
