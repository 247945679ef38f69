package io.k8j.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DnsOptionsTest {
  @Test
  void withersChangeWhatTheyNameAndKeepTheRest() {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    DnsOptions o =
        DnsOptions.defaults()
            .withListen(loopback, 0)
            .withClusterDomain("example.local")
            .withTtl(Duration.ofSeconds(7))
            .withMetricsPort(19153);
    assertThat(o.listenAddress()).isEqualTo(loopback);
    assertThat(o.port()).isZero();
    assertThat(o.clusterDomain()).isEqualTo("example.local");
    assertThat(o.ttl()).isEqualTo(Duration.ofSeconds(7));
    assertThat(o.metricsPort()).isEqualTo(19153);
    assertThat(o.upstreams()).isEqualTo(DnsOptions.defaults().upstreams());
    assertThat(o.cacheSize()).isEqualTo(DnsOptions.defaults().cacheSize());
  }
}
