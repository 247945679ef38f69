package io.k8j.dns.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * The server's meters, with CoreDNS's names and labels, so that its dashboards and alerts work:
 * {@code coredns_dns_requests_total} by protocol and query type, {@code
 * coredns_dns_responses_total} by rcode and the plugin that answered ({@code kubernetes}, {@code
 * cache}, {@code forward}), {@code coredns_dns_request_duration_seconds} by query type (CoreDNS's
 * buckets, 0.25 ms doubling to about 8 s), {@code coredns_cache_hits_total} by {@code success} and
 * {@code denial}, {@code coredns_cache_misses_total}, and {@code dns_upstream_failures_total}.
 * Every meter is made up front, so counting a query allocates nothing.
 */
public final class DnsMetrics {
  /** The query types counted on their own; the rest count as {@code other}. */
  private static final int[] TYPES = {
    Type.A, Type.AAAA, Type.SRV, Type.PTR, Type.TXT, Type.CNAME, Type.MX, Type.NS, Type.SOA
  };

  private static final int[] RCODES = {
    Rcode.NOERROR, Rcode.NXDOMAIN, Rcode.SERVFAIL, Rcode.REFUSED, Rcode.FORMERR, Rcode.NOTIMP
  };

  private static final String[] PROTOS = {"udp", "tcp"};

  /** The zone of CoreDNS's default server block, {@code .:53}. */
  private static final String ZONE = ".";

  /** Where an answer came from: the plugin CoreDNS would name. */
  public enum Source {
    ZONE("kubernetes"),
    CACHE("cache"),
    UPSTREAM("forward");

    final String plugin;

    Source(String plugin) {
      this.plugin = plugin;
    }
  }

  /** [proto][type index]. */
  private final Counter[][] requests = new Counter[PROTOS.length][TYPES.length + 1];

  /** [rcode index][source]. */
  private final Counter[][] responses = new Counter[RCODES.length + 1][Source.values().length];

  /** [type index]. */
  private final Timer[] durations = new Timer[TYPES.length + 1];

  private final Counter cacheSuccess;
  private final Counter cacheDenial;
  private final Counter cacheMisses;
  private final Counter upstreamFailures;

  /**
   * @param server the server's address as CoreDNS labels it, {@code dns://:53}
   */
  public DnsMetrics(MeterRegistry registry, String server) {
    for (int p = 0; p < PROTOS.length; p++) {
      for (int t = 0; t <= TYPES.length; t++) {
        requests[p][t] =
            Counter.builder("coredns.dns.requests")
                .description("Counter of DNS requests made per zone, protocol and family.")
                .tags("server", server, "zone", ZONE, "view", "", "proto", PROTOS[p])
                .tags("family", "1", "type", typeName(t))
                .register(registry);
      }
    }
    for (int r = 0; r <= RCODES.length; r++) {
      for (Source s : Source.values()) {
        responses[r][s.ordinal()] =
            Counter.builder("coredns.dns.responses")
                .description("Counter of response status codes.")
                .tags("server", server, "zone", ZONE, "view", "", "plugin", s.plugin)
                .tag("rcode", r < RCODES.length ? Rcode.string(RCODES[r]) : "other")
                .register(registry);
      }
    }
    Duration[] buckets = new Duration[16];
    for (int i = 0; i < buckets.length; i++) {
      buckets[i] = Duration.ofNanos(250_000L << i);
    }
    for (int t = 0; t <= TYPES.length; t++) {
      durations[t] =
          Timer.builder("coredns.dns.request.duration")
              .description("Histogram of the time (in seconds) each request took per zone.")
              .tags("server", server, "zone", ZONE, "view", "", "type", typeName(t))
              .serviceLevelObjectives(buckets)
              .register(registry);
    }
    cacheSuccess = cacheHits(registry, server, "success");
    cacheDenial = cacheHits(registry, server, "denial");
    cacheMisses =
        Counter.builder("coredns.cache.misses")
            .description(
                "The count of cache misses. Deprecated, derive misses from cache hits/requests counters.")
            .tags("server", server, "view", "", "zones", ZONE)
            .register(registry);
    upstreamFailures =
        Counter.builder("dns.upstream.failures")
            .description("Forwarded queries no upstream answered in time (answered SERVFAIL)")
            .register(registry);
  }

  /** A query of {@code type} came in over {@code proto} ("udp" or "tcp"). */
  public void request(String proto, int type) {
    requests[proto.equals("tcp") ? 1 : 0][typeIndex(type)].increment();
  }

  /** The response to a query of {@code type}, which arrived at {@code startNanos}, is ready. */
  public void response(int type, int rcode, Source source, long startNanos) {
    int r = RCODES.length;
    for (int i = 0; i < RCODES.length; i++) {
      if (RCODES[i] == rcode) {
        r = i;
        break;
      }
    }
    responses[r][source.ordinal()].increment();
    durations[typeIndex(type)].record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
  }

  /** The cache answered: {@code denial} for a name or type that does not exist. */
  public void cacheHit(boolean denial) {
    (denial ? cacheDenial : cacheSuccess).increment();
  }

  public void cacheMiss() {
    cacheMisses.increment();
  }

  public void upstreamFailure() {
    upstreamFailures.increment();
  }

  private static int typeIndex(int type) {
    for (int i = 0; i < TYPES.length; i++) {
      if (TYPES[i] == type) {
        return i;
      }
    }
    return TYPES.length;
  }

  private static String typeName(int index) {
    return index < TYPES.length ? Type.string(TYPES[index]) : "other";
  }

  private static Counter cacheHits(MeterRegistry registry, String server, String type) {
    return Counter.builder("coredns.cache.hits")
        .description("The count of cache hits.")
        .tags("server", server, "type", type, "view", "", "zones", ZONE)
        .register(registry);
  }

  /** The label CoreDNS gives a server listening on {@code port} on every address. */
  public static String serverLabel(String host, int port) {
    return String.format(Locale.ROOT, "dns://%s:%d", host, port);
  }
}
