package io.k8j.dns;

import static io.k8j.dns.Fixtures.endpoint;
import static io.k8j.dns.Fixtures.externalName;
import static io.k8j.dns.Fixtures.headless;
import static io.k8j.dns.Fixtures.port;
import static io.k8j.dns.Fixtures.slice;
import static io.k8j.dns.Fixtures.slicePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.k8j.testing.cluster.TestApiServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * Cluster DNS on a real API server: objects created through the API, queried over UDP and TCP with
 * dnsjava's resolver; names outside the cluster forwarded to a fake upstream on loopback.
 */
class ClusterDnsIT {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  private static TestApiServer api;
  private static KubernetesClient client;
  private static FakeUpstream upstream;
  private static SimpleMeterRegistry registry;
  private static ClusterDns dns;

  @BeforeAll
  static void start() throws Exception {
    api = TestApiServer.start();
    client = api.client();
    upstream = FakeUpstream.start();
    upstream.add(
        new ARecord(Name.fromString("example.com."), DClass.IN, 300, addr("93.184.216.34")),
        new ARecord(Name.fromString("www.example.org."), DClass.IN, 300, addr("93.184.216.35")));
    for (int i = 0; i < 40; i++) {
      upstream.add(
          new TXTRecord(Name.fromString("big.example.com."), DClass.IN, 300, "x".repeat(90) + i));
    }
    registry = new SimpleMeterRegistry();
    dns =
        new ClusterDns(
            api.client(),
            DnsOptions.defaults()
                .withListen(LOOPBACK, 0)
                .withUpstreams(List.of(upstream.address()))
                .withUpstreamTimeout(Duration.ofSeconds(1))
                .withMetricsPort(0)
                .withMeterRegistry(registry));
    dns.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (dns != null) {
      dns.close();
    }
    if (upstream != null) {
      upstream.close();
    }
    if (api != null) {
      api.close();
    }
  }

  @Test
  void aClusterIpServiceResolvesOverUdpAndTcp() throws Exception {
    Service svc = createClusterIp("web", port("http", "TCP", 80));
    String ip = svc.getSpec().getClusterIP();

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(addresses(udp(), "web.default.svc.cluster.local", Type.A))
                    .containsExactly(ip));
    Message overTcp = query(tcp(), "web.default.svc.cluster.local", Type.A);
    assertThat(overTcp.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(overTcp.getHeader().getFlag(Flags.AA)).isTrue();
    assertThat(rdata(overTcp)).containsExactly(ip);

    Message srv = query(udp(), "_http._tcp.web.default.svc.cluster.local", Type.SRV);
    assertThat(rdata(srv)).containsExactly("0 100 80 web.default.svc.cluster.local.");
    assertThat(srv.getSection(Section.ADDITIONAL))
        .anySatisfy(r -> assertThat(r.rdataToString()).isEqualTo(ip));

    Message ptr = query(udp(), ReverseMap.fromAddress(ip).toString(), Type.PTR);
    assertThat(rdata(ptr)).containsExactly("web.default.svc.cluster.local.");
  }

  @Test
  void aHeadlessServiceAnswersWithItsReadyEndpoints() throws Exception {
    client.services().resource(headless("default", "db", port("pg", "TCP", 5432))).create();
    client
        .discovery()
        .v1()
        .endpointSlices()
        .resource(
            slice(
                "default",
                "db-1",
                "db",
                "IPv4",
                List.of(slicePort("pg", "TCP", 5432)),
                endpoint("10.1.0.1", "db-0", true),
                endpoint("10.1.0.2", "db-1", true),
                endpoint("10.1.0.3", "db-2", false)))
        .create();

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(addresses(udp(), "db.default.svc.cluster.local", Type.A))
                    .containsExactlyInAnyOrder("10.1.0.1", "10.1.0.2"));
    assertThat(addresses(tcp(), "db-1.db.default.svc.cluster.local", Type.A))
        .containsExactly("10.1.0.2");
    assertThat(query(udp(), "db-2.db.default.svc.cluster.local", Type.A).getRcode())
        .isEqualTo(Rcode.NXDOMAIN);

    Message srv = query(udp(), "_pg._tcp.db.default.svc.cluster.local", Type.SRV);
    assertThat(srv.getSection(Section.ANSWER))
        .map(r -> ((SRVRecord) r).getTarget().toString())
        .containsExactlyInAnyOrder(
            "db-0.db.default.svc.cluster.local.", "db-1.db.default.svc.cluster.local.");
    assertThat(srv.getSection(Section.ADDITIONAL))
        .filteredOn(r -> r.getType() == Type.A)
        .map(Record::rdataToString)
        .containsExactlyInAnyOrder("10.1.0.1", "10.1.0.2");

    Message ptr = query(udp(), "1.0.1.10.in-addr.arpa", Type.PTR);
    assertThat(rdata(ptr)).containsExactly("db-0.db.default.svc.cluster.local.");

    // db-0 stops being ready: it leaves the answers
    client
        .discovery()
        .v1()
        .endpointSlices()
        .resource(
            slice(
                "default",
                "db-1",
                "db",
                "IPv4",
                List.of(slicePort("pg", "TCP", 5432)),
                endpoint("10.1.0.1", "db-0", false),
                endpoint("10.1.0.2", "db-1", true)))
        .update();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(20))
        .untilAsserted(
            () ->
                assertThat(addresses(udp(), "db.default.svc.cluster.local", Type.A))
                    .containsExactly("10.1.0.2"));
    assertThat(query(udp(), "db-0.db.default.svc.cluster.local", Type.A).getRcode())
        .isEqualTo(Rcode.NXDOMAIN);
  }

  @Test
  void anExternalNameServiceIsACnameFollowedUpstream() throws Exception {
    client.services().resource(externalName("default", "ext", "www.example.org")).create();

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(rdata(query(udp(), "ext.default.svc.cluster.local", Type.CNAME)))
                    .containsExactly("www.example.org."));
    Message a = query(udp(), "ext.default.svc.cluster.local", Type.A);
    assertThat(a.getSection(Section.ANSWER))
        .map(r -> Type.string(r.getType()) + " " + r.rdataToString())
        .containsExactly("CNAME www.example.org.", "A 93.184.216.35");
  }

  @Test
  void otherNamesInTheZoneAreNxdomainWithTheSoa() throws Exception {
    Message nx = query(udp(), "nothing.default.svc.cluster.local", Type.A);
    assertThat(nx.getRcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(nx.getSection(Section.AUTHORITY)).singleElement().isInstanceOf(SOARecord.class);
    assertThat(query(udp(), "web.nowhere.svc.cluster.local", Type.A).getRcode())
        .isEqualTo(Rcode.NXDOMAIN);
    assertThat(rdata(query(tcp(), "dns-version.cluster.local", Type.TXT)))
        .containsExactly("\"1.1.0\"");
    assertThat(addresses(udp(), "10-244-1-7.default.pod.cluster.local", Type.A))
        .containsExactly("10.244.1.7");
  }

  @Test
  void aDeletedServiceIsNxdomainWithinSeconds() throws Exception {
    createClusterIp("gone", port("http", "TCP", 80));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> query(udp(), "gone.default.svc.cluster.local", Type.A).getRcode() == 0);

    long start = System.nanoTime();
    client.services().inNamespace("default").withName("gone").delete();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () ->
                query(udp(), "gone.default.svc.cluster.local", Type.A).getRcode()
                    == Rcode.NXDOMAIN);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void otherNamesAreForwardedAndCached() throws Exception {
    Message a = query(udp(), "example.com", Type.A);
    assertThat(a.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(rdata(a)).containsExactly("93.184.216.34");
    int asked = upstream.udpQueries();
    Message again = query(udp(), "example.com", Type.A);
    assertThat(rdata(again)).containsExactly("93.184.216.34");
    assertThat(again.getSection(Section.ANSWER).get(0).getTTL()).isLessThanOrEqualTo(300);
    assertThat(upstream.udpQueries()).isEqualTo(asked);

    assertThat(query(udp(), "nothing.example.com", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
  }

  @Test
  void aLargeUpstreamAnswerIsTruncatedOverUdpAndWholeOverTcp() throws Exception {
    SimpleResolver plainUdp = udp();
    plainUdp.setEDNS(-1);
    plainUdp.setIgnoreTruncation(true);
    Message truncated = query(plainUdp, "big.example.com", Type.TXT);
    assertThat(truncated.getHeader().getFlag(Flags.TC)).isTrue();

    // dnsjava retries over TCP on TC, as stub resolvers do
    SimpleResolver retrying = udp();
    retrying.setEDNS(-1);
    Message whole = query(retrying, "big.example.com", Type.TXT);
    assertThat(whole.getSection(Section.ANSWER)).hasSize(40);
    // the upstream itself truncated to our EDNS size, and was asked again over TCP
    assertThat(upstream.tcpQueries()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void aSilentUpstreamGivesServfailNotAHang() throws Exception {
    try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        ClusterDns other =
            new ClusterDns(
                api.client(),
                DnsOptions.defaults()
                    .withListen(LOOPBACK, 0)
                    .withUpstreams(List.of((InetSocketAddress) silent.getLocalSocketAddress()))
                    .withUpstreamTimeout(Duration.ofMillis(500)))) {
      other.start();
      SimpleResolver r = new SimpleResolver(other.address());
      r.setTimeout(Duration.ofSeconds(5));
      long start = System.nanoTime();
      Message m =
          r.send(Message.newQuery(Record.newRecord(name("example.net"), Type.A, DClass.IN)));
      assertThat(m.getRcode()).isEqualTo(Rcode.SERVFAIL);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
      // the cluster zone does not depend on the upstream
      assertThat(
              r.send(
                      Message.newQuery(
                          Record.newRecord(
                              name("kubernetes.default.svc.cluster.local"), Type.A, DClass.IN)))
                  .getRcode())
          .isEqualTo(Rcode.NOERROR);
    }
  }

  @Test
  void queriesAreCountedByTypeAndRcode() throws Exception {
    query(udp(), "nothing.default.svc.cluster.local", Type.AAAA);
    assertThat(
            registry
                .get("coredns.dns.requests")
                .tags("proto", "udp", "type", "AAAA")
                .counter()
                .count())
        .isGreaterThanOrEqualTo(1);
    assertThat(
            registry
                .get("coredns.dns.responses")
                .tags("rcode", "NXDOMAIN", "plugin", "kubernetes")
                .counter()
                .count())
        .isGreaterThanOrEqualTo(1);
    assertThat(registry.get("coredns.dns.request.duration").tags("type", "AAAA").timer().count())
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void prometheusScrapesCoreDnsMetricsOnTheMetricsPort() throws Exception {
    query(udp(), "nothing.default.svc.cluster.local", Type.AAAA);
    query(tcp(), "nothing.default.svc.cluster.local", Type.AAAA);
    // a name no other test asks: a cache miss, then a hit
    String fresh = "fresh" + System.nanoTime() + ".example.org";
    upstream.add(new ARecord(Name.fromString(fresh + "."), DClass.IN, 300, addr("192.0.2.7")));
    query(udp(), fresh, Type.A);
    query(udp(), fresh, Type.A);
    HttpClient http = HttpClient.newHttpClient();
    URI base = URI.create("http://127.0.0.1:" + dns.metricsAddress().getPort());
    HttpResponse<String> scrape =
        http.send(
            HttpRequest.newBuilder(base.resolve("/metrics")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(scrape.statusCode()).isEqualTo(200);
    assertThat(scrape.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    String text = scrape.body();
    assertThat(text)
        .containsPattern(
            "(?m)^coredns_dns_requests_total\\{[^}]*proto=\"tcp\"[^}]*type=\"AAAA\"[^}]*\\}"
                + " [1-9]")
        .containsPattern(
            "(?m)^coredns_dns_responses_total\\{[^}]*plugin=\"kubernetes\",rcode=\"NXDOMAIN\""
                + "[^}]*\\} [1-9]")
        .containsPattern(
            "(?m)^coredns_dns_request_duration_seconds_bucket\\{[^}]*type=\"AAAA\"[^}]*le=\"0.001\"\\}")
        .containsPattern("(?m)^coredns_dns_request_duration_seconds_count\\{[^}]*type=\"AAAA\"")
        .containsPattern("(?m)^coredns_cache_hits_total\\{[^}]*type=\"success\"[^}]*\\} [1-9]")
        .containsPattern("(?m)^coredns_cache_misses_total\\{[^}]*\\} [1-9]");
    assertThat(
            http.send(
                    HttpRequest.newBuilder(base.resolve("/nothing")).build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(404);
  }

  private static Service createClusterIp(
      String name, io.fabric8.kubernetes.api.model.ServicePort port) {
    return client
        .services()
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withNamespace("default")
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withPorts(port)
                .withSelector(Map.of("app", name))
                .endSpec()
                .build())
        .create();
  }

  private static SimpleResolver udp() {
    SimpleResolver r = new SimpleResolver(dns.address());
    r.setTimeout(Duration.ofSeconds(3));
    return r;
  }

  private static SimpleResolver tcp() {
    SimpleResolver r = udp();
    r.setTCP(true);
    return r;
  }

  private static Message query(SimpleResolver r, String name, int type) throws Exception {
    return r.send(Message.newQuery(Record.newRecord(name(name), type, DClass.IN)));
  }

  private static List<String> addresses(SimpleResolver r, String name, int type) throws Exception {
    return rdata(query(r, name, type));
  }

  private static List<String> rdata(Message m) {
    return m.getSection(Section.ANSWER).stream().map(Record::rdataToString).toList();
  }

  private static Name name(String s) throws Exception {
    return Name.fromString(s.endsWith(".") ? s : s + ".");
  }

  private static InetAddress addr(String ip) throws Exception {
    return InetAddress.getByName(ip);
  }
}
