package io.k8j.dns;

import io.k8j.common.Clock;
import io.k8j.common.Records;
import io.k8j.dns.model.IpLiterals;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How cluster DNS serves.
 *
 * @param listenAddress the address to serve on (UDP and TCP); the any-address serves them all
 * @param port the port (53); 0 for any free port, as tests do ({@link ClusterDns#address} tells)
 * @param clusterDomain the zone served from the cluster, {@code cluster.local}
 * @param upstreams where other names go (by default, the nameservers of {@code /etc/resolv.conf})
 * @param ttl the TTL of the cluster's records (CoreDNS: 5 s)
 * @param upstreamTimeout how long a forwarded query may take over all upstreams before SERVFAIL
 * @param cacheSize how many upstream answers are kept (0: none)
 * @param udpReaders threads reading the UDP socket
 * @param syncTimeout how long {@link ClusterDns#start} waits for the informers' first lists (as
 *     CoreDNS, it then serves anyway, answering SERVFAIL where it would say NXDOMAIN)
 * @param metricsPort where {@code /metrics} is served in the Prometheus format, on the listen
 *     address, as CoreDNS's {@code prometheus :9153}; 0 for any free port, negative for nowhere
 * @param meterRegistry where the metrics go as well; null for only the metrics port
 * @param clock time, for the cache and the SOA serial
 */
public record DnsOptions(
    InetAddress listenAddress,
    int port,
    String clusterDomain,
    List<InetSocketAddress> upstreams,
    Duration ttl,
    Duration upstreamTimeout,
    int cacheSize,
    int udpReaders,
    Duration syncTimeout,
    int metricsPort,
    MeterRegistry meterRegistry,
    Clock clock) {

  public static final Path HOST_RESOLV_CONF = Path.of("/etc/resolv.conf");

  public DnsOptions {
    upstreams = List.copyOf(upstreams);
  }

  /**
   * Port 53 on every address, {@code cluster.local}, the host's nameservers upstream, TTL 5 s, a 2
   * s upstream deadline, 10,000 cached answers, no metrics port.
   */
  public static DnsOptions defaults() {
    return new DnsOptions(
        anyAddress(),
        53,
        "cluster.local",
        hostNameservers(HOST_RESOLV_CONF),
        Duration.ofSeconds(5),
        Duration.ofSeconds(2),
        10_000,
        Math.max(2, Runtime.getRuntime().availableProcessors()),
        Duration.ofSeconds(5),
        -1,
        null,
        Clock.SYSTEM);
  }

  /** The nameservers of a resolv.conf file, on port 53. */
  public static List<InetSocketAddress> hostNameservers(Path resolvConf) {
    List<InetSocketAddress> out = new ArrayList<>();
    for (String ns : ResolvConf.read(resolvConf).nameservers()) {
      InetAddress ip = IpLiterals.parse(ns.replaceFirst("%.*$", ""));
      if (ip != null) {
        out.add(new InetSocketAddress(ip, 53));
      }
    }
    return out;
  }

  public DnsOptions withListen(InetAddress address, int port) {
    return Records.with(this, "listenAddress", address, "port", port);
  }

  public DnsOptions withClusterDomain(String domain) {
    return Records.with(this, "clusterDomain", domain);
  }

  public DnsOptions withUpstreams(List<InetSocketAddress> servers) {
    return Records.with(this, "upstreams", servers);
  }

  public DnsOptions withTtl(Duration recordTtl) {
    return Records.with(this, "ttl", recordTtl);
  }

  public DnsOptions withUpstreamTimeout(Duration timeout) {
    return Records.with(this, "upstreamTimeout", timeout);
  }

  public DnsOptions withCacheSize(int entries) {
    return Records.with(this, "cacheSize", entries);
  }

  public DnsOptions withUdpReaders(int threads) {
    return Records.with(this, "udpReaders", threads);
  }

  public DnsOptions withMeterRegistry(MeterRegistry registry) {
    return Records.with(this, "meterRegistry", registry);
  }

  /** Serves {@code /metrics} on {@code p} (0: any free port; negative: not at all). */
  public DnsOptions withMetricsPort(int p) {
    return Records.with(this, "metricsPort", p);
  }

  public DnsOptions withClock(Clock c) {
    return Records.with(this, "clock", c);
  }

  private static InetAddress anyAddress() {
    return new InetSocketAddress(0).getAddress();
  }
}
