package io.k8j.dns.model;

import static io.k8j.dns.Fixtures.clusterIp;
import static io.k8j.dns.Fixtures.endpoint;
import static io.k8j.dns.Fixtures.port;
import static io.k8j.dns.Fixtures.slice;
import static io.k8j.dns.Fixtures.slicePort;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.k8j.client.fake.FakeInformers;
import io.k8j.common.FakeClock;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordsFeedTest {
  private final FakeInformers informers = new FakeInformers();
  private final ClusterRecords records = new ClusterRecords(new FakeClock());

  RecordsFeedTest() {
    RecordsFeed.feed(informers, records);
  }

  @Test
  void servicesSlicesAndNamespacesAreFollowedThroughAddUpdateDelete() throws Exception {
    Namespace ns = new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build();
    informers.forType(Namespace.class).add(ns);
    Service web = clusterIp("shop", "web", List.of("10.96.0.7"), port("http", "TCP", 80));
    informers.forType(Service.class).add(web);
    EndpointSlice slice =
        slice(
            "shop",
            "web-1",
            "web",
            "IPv4",
            List.of(slicePort("http", "TCP", 8080)),
            endpoint("10.1.0.1", null, true));
    informers.forType(EndpointSlice.class).add(slice);

    assertThat(records.namespaceExists("shop")).isTrue();
    assertThat(records.service("shop", "web").clusterIps())
        .containsExactly(InetAddress.getByName("10.96.0.7"));
    assertThat(records.clusterIpOwners(InetAddress.getByName("10.96.0.7")))
        .containsExactly(new ClusterRecords.ReverseEntry("shop", "web", null));
    assertThat(records.endpointOwners(InetAddress.getByName("10.1.0.1")))
        .containsExactly(new ClusterRecords.ReverseEntry("shop", "web", "10-1-0-1"));

    informers
        .forType(EndpointSlice.class)
        .update(
            slice(
                "shop",
                "web-1",
                "web",
                "IPv4",
                List.of(slicePort("http", "TCP", 8080)),
                endpoint("10.1.0.2", "w", true)));
    assertThat(records.endpointOwners(InetAddress.getByName("10.1.0.1"))).isEmpty();
    assertThat(records.slices("shop", "web"))
        .singleElement()
        .satisfies(s -> assertThat(s.ready()).hasSize(1));

    informers
        .forType(Service.class)
        .update(clusterIp("shop", "web", List.of("10.96.0.8"), port("http", "TCP", 80)));
    assertThat(records.clusterIpOwners(InetAddress.getByName("10.96.0.7"))).isEmpty();

    informers.forType(Service.class).delete(web);
    informers.forType(EndpointSlice.class).delete(slice);
    informers.forType(Namespace.class).delete(ns);
    assertThat(records.service("shop", "web")).isNull();
    assertThat(records.slices("shop", "web")).isEmpty();
    assertThat(records.clusterIpOwners(InetAddress.getByName("10.96.0.8"))).isEmpty();
    assertThat(records.endpointOwners(InetAddress.getByName("10.1.0.2"))).isEmpty();
    assertThat(records.namespaceExists("shop")).isFalse();
  }

  @Test
  void syncedOnlyOnceEveryInformerIs() {
    assertThat(records.synced()).isTrue();
    informers.forType(EndpointSlice.class).setSynced(false);
    assertThat(records.synced()).isFalse();
  }

  @Test
  void slicesWithoutAServiceOrOfFqdnsAreIgnored() {
    EndpointSlice fqdn =
        slice("shop", "f", "web", "FQDN", List.of(), endpoint("example.com", null, true));
    informers.forType(EndpointSlice.class).add(fqdn);
    assertThat(records.slices("shop", "web")).isEmpty();
    EndpointSlice orphan =
        slice("shop", "o", "web", "IPv4", List.of(), endpoint("10.0.0.1", null, true));
    orphan.getMetadata().setLabels(null);
    informers.forType(EndpointSlice.class).add(orphan);
    assertThat(records.endpointOwners(IpLiterals.parse("10.0.0.1"))).isEmpty();
  }

  @Test
  void ipLiteralsAreStrict() {
    assertThat(IpLiterals.parse("10.1.2.3")).isNotNull();
    assertThat(IpLiterals.parse("fd00::1")).isNotNull();
    assertThat(IpLiterals.parse("10.1.2")).isNull();
    assertThat(IpLiterals.parse("10.1.2.256")).isNull();
    assertThat(IpLiterals.parse("example.com")).isNull();
    assertThat(IpLiterals.parse("fd00:zz::1")).isNull();
  }
}
