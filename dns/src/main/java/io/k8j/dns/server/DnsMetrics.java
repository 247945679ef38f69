package io.k8j.dns.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * The server's meters, after CoreDNS's: {@code dns.requests} by protocol and query type, {@code
 * dns.responses} by rcode, {@code dns.request.duration} by where the answer came from (the cluster
 * zone, the cache, an upstream), {@code dns.upstream.failures}. Meters are made once, so counting a
 * query allocates nothing.
 */
public final class DnsMetrics {
  private static final int[] TYPES = {
    Type.A, Type.AAAA, Type.SRV, Type.PTR, Type.TXT, Type.CNAME, Type.MX, Type.NS, Type.SOA
  };
  private static final int[] RCODES = {
    Rcode.NOERROR, Rcode.NXDOMAIN, Rcode.SERVFAIL, Rcode.REFUSED, Rcode.FORMERR, Rcode.NOTIMP
  };

  /** Where an answer came from. */
  public enum Source {
    ZONE,
    CACHE,
    UPSTREAM
  }

  private final Map<String, Map<Integer, Counter>> requests = new HashMap<>();
  private final Map<String, Counter> otherRequests = new HashMap<>();
  private final Map<Integer, Counter> responses = new HashMap<>();
  private final Counter otherResponses;
  private final Timer[] durations = new Timer[Source.values().length];
  private final Counter upstreamFailures;

  public DnsMetrics(MeterRegistry registry) {
    for (String proto : new String[] {"udp", "tcp"}) {
      Map<Integer, Counter> byType = new HashMap<>();
      for (int type : TYPES) {
        byType.put(type, request(registry, proto, Type.string(type)));
      }
      requests.put(proto, byType);
      otherRequests.put(proto, request(registry, proto, "other"));
    }
    for (int rcode : RCODES) {
      responses.put(rcode, response(registry, Rcode.string(rcode)));
    }
    otherResponses = response(registry, "other");
    for (Source s : Source.values()) {
      durations[s.ordinal()] =
          Timer.builder("dns.request.duration")
              .description("Time from a query's arrival to its response")
              .tag("source", s.name().toLowerCase(Locale.ROOT))
              .publishPercentileHistogram()
              .register(registry);
    }
    upstreamFailures =
        Counter.builder("dns.upstream.failures")
            .description("Forwarded queries no upstream answered in time (answered SERVFAIL)")
            .register(registry);
  }

  public void request(String proto, int type) {
    Counter c = requests.get(proto).get(type);
    (c == null ? otherRequests.get(proto) : c).increment();
  }

  public void response(int rcode, Source source, long startNanos) {
    Counter c = responses.get(rcode);
    (c == null ? otherResponses : c).increment();
    durations[source.ordinal()].record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
  }

  public void upstreamFailure() {
    upstreamFailures.increment();
  }

  private static Counter request(MeterRegistry registry, String proto, String type) {
    return Counter.builder("dns.requests")
        .description("Queries received")
        .tag("proto", proto)
        .tag("type", type)
        .register(registry);
  }

  private static Counter response(MeterRegistry registry, String rcode) {
    return Counter.builder("dns.responses")
        .description("Responses sent")
        .tag("rcode", rcode)
        .register(registry);
  }
}
