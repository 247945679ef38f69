package io.k8j.dns;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.k8j.client.InformerFactory;
import io.k8j.client.SharedInformers;
import io.k8j.dns.forward.Forwarder;
import io.k8j.dns.forward.ResponseCache;
import io.k8j.dns.model.ClusterRecords;
import io.k8j.dns.model.RecordsFeed;
import io.k8j.dns.server.DnsMetrics;
import io.k8j.dns.server.EveryAddressUdp;
import io.k8j.dns.server.MetricsServer;
import io.k8j.dns.server.QueryHandler;
import io.k8j.dns.server.TcpServer;
import io.k8j.dns.server.UdpServer;
import io.k8j.dns.zone.KubernetesZone;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster DNS: the Kubernetes DNS specification served from informers on Services, EndpointSlices
 * and Namespaces, answered as CoreDNS's kubernetes plugin answers, other names forwarded upstream.
 * The default Corefile it stands in for:
 *
 * <pre>
 * .:53 {
 *     kubernetes cluster.local in-addr.arpa ip6.arpa {
 *        pods insecure
 *        fallthrough in-addr.arpa ip6.arpa
 *        ttl 5
 *     }
 *     forward . /etc/resolv.conf
 *     cache 30
 *     loadbalance
 * }
 * </pre>
 *
 * <pre>{@code
 * try (ClusterDns dns = new ClusterDns(client, DnsOptions.defaults())) {
 *   dns.start();
 *   ...
 * }
 * }</pre>
 */
public final class ClusterDns implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterDns.class);
  private static final int MAX_WAITING_UDP = 1024;
  private static final int MAX_TCP_CONNECTIONS = 1024;
  private static final Duration TCP_IDLE = Duration.ofSeconds(10);
  private static final long CACHE_MAX_TTL_SECONDS = 30;

  private final DnsOptions options;
  private final SharedInformers ownInformers;
  private final ClusterRecords records;
  private final QueryHandler handler;
  private final List<InetSocketAddress> upstreams;
  private final ExecutorService waiting = Executors.newVirtualThreadPerTaskExecutor();
  private UdpServer udp;
  private EveryAddressUdp everyAddressUdp;
  private TcpServer tcp;
  private final PrometheusMeterRegistry prometheus;
  private MetricsServer metricsServer;

  /** Cluster DNS on its own informers, started and stopped with it. */
  public ClusterDns(KubernetesClient client, DnsOptions options) {
    this(new SharedInformers(client), options, true);
  }

  /**
   * Cluster DNS on shared informers: it asks {@code informers} for Services, EndpointSlices and
   * Namespaces; whoever owns them starts them (before or after {@link #start}).
   */
  public ClusterDns(InformerFactory informers, DnsOptions options) {
    this(informers, options, false);
  }

  private ClusterDns(InformerFactory informers, DnsOptions options, boolean own) {
    this.options = options;
    this.ownInformers = own ? (SharedInformers) informers : null;
    this.records = new ClusterRecords(options.clock());
    RecordsFeed.feed(informers, records);
    this.upstreams = withoutSelf(options.upstreams(), options);
    KubernetesZone zone =
        new KubernetesZone(
            records, options.clusterDomain(), options.ttl().toSeconds(), nameservers(options));
    Forwarder forwarder =
        new Forwarder(
            upstreams,
            options.upstreamTimeout(),
            options.clock(),
            new ResponseCache(options.clock(), options.cacheSize(), CACHE_MAX_TTL_SECONDS));
    this.prometheus =
        options.metricsPort() >= 0 ? new PrometheusMeterRegistry(PrometheusConfig.DEFAULT) : null;
    DnsMetrics metrics =
        new DnsMetrics(
            registry(options.meterRegistry(), prometheus),
            DnsMetrics.serverLabel(
                options.listenAddress().isAnyLocalAddress()
                    ? ""
                    : options.listenAddress().getHostAddress(),
                options.port()));
    this.handler = new QueryHandler(zone, forwarder, metrics);
  }

  /**
   * Binds UDP and TCP on the same port, starts its own informers (if it has them), waits up to
   * {@link DnsOptions#syncTimeout} for their first lists, and serves.
   */
  public void start() throws IOException {
    if (ownInformers != null) {
      ownInformers.start();
    }
    if (options.listenAddress().isAnyLocalAddress()) {
      bindEveryAddress();
    } else {
      bind();
    }
    awaitSync();
    if (udp != null) {
      udp.start(options.udpReaders());
    } else {
      everyAddressUdp.start();
    }
    tcp.start();
    if (prometheus != null) {
      InetSocketAddress at = new InetSocketAddress(options.listenAddress(), options.metricsPort());
      try {
        metricsServer = new MetricsServer(at, prometheus);
        LOG.info("cluster DNS metrics on http://{}/metrics", metricsServer.address());
      } catch (IOException e) {
        // names matter more than their counts: serve DNS all the same
        LOG.warn("cluster DNS metrics not served on {}: {}", at, e.getMessage());
      }
    }
    LOG.info(
        "cluster DNS serving {} on {} (udp, tcp), upstream {}",
        options.clusterDomain(),
        address(),
        upstreams.isEmpty() ? "none" : upstreams);
  }

  /** Where it serves (the port chosen when the options said 0). */
  public InetSocketAddress address() {
    try {
      return udp != null
          ? udp.localAddress()
          : new InetSocketAddress(options.listenAddress(), tcp.localAddress().getPort());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where the meters go: one registry or both (a composite costs each count a little more). */
  private static MeterRegistry registry(MeterRegistry given, MeterRegistry prometheus) {
    if (given == null || prometheus == null) {
      MeterRegistry one = given != null ? given : prometheus;
      return one != null ? one : new CompositeMeterRegistry();
    }
    return new CompositeMeterRegistry().add(given).add(prometheus);
  }

  /** Where {@code /metrics} is served; null when it is not. */
  public InetSocketAddress metricsAddress() {
    return metricsServer == null ? null : metricsServer.address();
  }

  /** Whether the informers have loaded their first lists. */
  public boolean synced() {
    return records.synced();
  }

  private void bind() throws IOException {
    InetSocketAddress wanted = new InetSocketAddress(options.listenAddress(), options.port());
    for (int attempt = 0; ; attempt++) {
      UdpServer u = new UdpServer(wanted, handler, waiting, MAX_WAITING_UDP);
      try {
        tcp =
            new TcpServer(
                new InetSocketAddress(options.listenAddress(), u.localAddress().getPort()),
                handler,
                MAX_TCP_CONNECTIONS,
                TCP_IDLE);
        udp = u;
        return;
      } catch (BindException e) {
        u.close();
        // with port 0 the free UDP port may be taken for TCP: try another
        if (options.port() != 0 || attempt >= 10) {
          throw e;
        }
      }
    }
  }

  /** TCP on the any-address, UDP on each local address (see {@link EveryAddressUdp}). */
  private void bindEveryAddress() throws IOException {
    InetSocketAddress wanted = new InetSocketAddress(options.listenAddress(), options.port());
    tcp = new TcpServer(wanted, handler, MAX_TCP_CONNECTIONS, TCP_IDLE);
    try {
      everyAddressUdp =
          new EveryAddressUdp(
              tcp.localAddress().getPort(),
              handler,
              waiting,
              MAX_WAITING_UDP,
              options.udpReaders());
    } catch (IOException e) {
      tcp.close();
      throw e;
    }
  }

  private void awaitSync() {
    long deadline = System.nanoTime() + options.syncTimeout().toNanos();
    while (!records.synced() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    if (!records.synced()) {
      LOG.warn("starting cluster DNS before Services and EndpointSlices are listed");
    }
  }

  @Override
  public void close() {
    try {
      if (udp != null) {
        udp.close();
      }
      if (everyAddressUdp != null) {
        everyAddressUdp.close();
      }
      if (tcp != null) {
        tcp.close();
      }
      if (metricsServer != null) {
        metricsServer.close();
      }
    } catch (IOException e) {
      LOG.debug("closing cluster DNS: {}", e.toString());
    } finally {
      waiting.shutdownNow();
      if (ownInformers != null) {
        ownInformers.close();
      }
    }
  }

  /**
   * The addresses {@code ns.dns.<domain>} has: the listen address, unless it is the any-address.
   */
  private static List<InetAddress> nameservers(DnsOptions options) {
    InetAddress a = options.listenAddress();
    return a.isAnyLocalAddress() ? List.of() : List.of(a);
  }

  /** The upstreams less this server itself, which would make a forwarding loop. */
  private static List<InetSocketAddress> withoutSelf(
      List<InetSocketAddress> upstreams, DnsOptions options) {
    List<InetSocketAddress> out = new ArrayList<>();
    for (InetSocketAddress u : upstreams) {
      boolean self =
          options.port() != 0
              && u.getPort() == options.port()
              && (u.getAddress().equals(options.listenAddress())
                  || options.listenAddress().isAnyLocalAddress()
                      && u.getAddress().isLoopbackAddress());
      if (self) {
        LOG.warn("not forwarding to {}: that is this server (a loop)", u);
      } else {
        out.add(u);
      }
    }
    return out;
  }
}
