package io.k8j.dns.zone;

import static io.k8j.dns.Fixtures.clusterIp;
import static io.k8j.dns.Fixtures.endpoint;
import static io.k8j.dns.Fixtures.externalName;
import static io.k8j.dns.Fixtures.headless;
import static io.k8j.dns.Fixtures.port;
import static io.k8j.dns.Fixtures.slice;
import static io.k8j.dns.Fixtures.slicePort;
import static org.assertj.core.api.Assertions.assertThat;

import io.k8j.common.FakeClock;
import io.k8j.dns.model.ClusterRecords;
import io.k8j.dns.model.ServiceEntry;
import io.k8j.dns.model.SliceEntry;
import io.k8j.dns.zone.ZoneDecision.Answer;
import io.k8j.dns.zone.ZoneDecision.ChaseExternal;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

class KubernetesZoneTest {
  private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");
  private final FakeClock clock = new FakeClock(START);
  private final ClusterRecords records = new ClusterRecords(clock);
  private final KubernetesZone zone =
      new KubernetesZone(records, "cluster.local", 5, List.of(InetAddress.getLoopbackAddress()));

  KubernetesZoneTest() {
    records.putNamespace("default");
    records.putNamespace("prod");
    records.putService(
        ServiceEntry.of(
            clusterIp(
                "default",
                "web",
                List.of("10.96.0.10"),
                port("http", "TCP", 80),
                port("metrics", "TCP", 9090))));
    records.putSlice(
        SliceEntry.of(
            slice(
                "default",
                "web-abcde",
                "web",
                "IPv4",
                List.of(slicePort("http", "TCP", 8080)),
                endpoint("10.2.0.1", null, true))));
    records.putService(
        ServiceEntry.of(
            clusterIp(
                "default", "dual", List.of("10.96.0.11", "fd00::11"), port("http", "TCP", 80))));
    records.putService(ServiceEntry.of(headless("default", "db", port("pg", "TCP", 5432))));
    records.putSlice(
        SliceEntry.of(
            slice(
                "default",
                "db-xyz",
                "db",
                "IPv4",
                List.of(slicePort("pg", "TCP", 5432)),
                endpoint("10.1.0.1", "db-0", true),
                endpoint("10.1.0.2", "db-1", true),
                endpoint("10.1.0.3", "db-2", false),
                endpoint("10.1.0.4", null, null))));
    records.putService(ServiceEntry.of(externalName("default", "ext", "example.com")));
    records.putService(
        ServiceEntry.of(externalName("default", "alias", "web.default.svc.cluster.local")));
    records.putService(ServiceEntry.of(externalName("default", "byip", "1.2.3.4")));
    records.putService(ServiceEntry.of(headless("default", "empty", port("x", "TCP", 1))));
    records.putService(ServiceEntry.of(headless("prod", "noports")));
    records.putSlice(
        SliceEntry.of(
            slice(
                "prod",
                "noports-1",
                "noports",
                "IPv4",
                List.of(),
                endpoint("10.1.1.1", null, true))));
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        // services by cluster IP
        c("web.default.svc.cluster.local", Type.A, "NOERROR A 10.96.0.10"),
        c("WEB.Default.SVC.cluster.local.", Type.A, "NOERROR A 10.96.0.10"),
        c("web.default.svc.cluster.local", Type.AAAA, "NOERROR"),
        c("dual.default.svc.cluster.local", Type.A, "NOERROR A 10.96.0.11"),
        c("dual.default.svc.cluster.local", Type.AAAA, "NOERROR AAAA fd00:0:0:0:0:0:0:11"),
        c("missing.default.svc.cluster.local", Type.A, "NXDOMAIN"),
        c("web.nowhere.svc.cluster.local", Type.A, "NXDOMAIN"),
        // an endpoint of a ClusterIP Service, by its address with dashes
        c("10-2-0-1.web.default.svc.cluster.local", Type.A, "NOERROR A 10.2.0.1"),
        // headless: ready endpoints only (ready unset counts as ready)
        c("db.default.svc.cluster.local", Type.A, "NOERROR A 10.1.0.1 | A 10.1.0.2 | A 10.1.0.4"),
        c("db-0.db.default.svc.cluster.local", Type.A, "NOERROR A 10.1.0.1"),
        c("DB-1.db.default.svc.cluster.local", Type.A, "NOERROR A 10.1.0.2"),
        c("10-1-0-4.db.default.svc.cluster.local", Type.A, "NOERROR A 10.1.0.4"),
        c("db-2.db.default.svc.cluster.local", Type.A, "NXDOMAIN"),
        c("empty.default.svc.cluster.local", Type.A, "NXDOMAIN"),
        c("noports.prod.svc.cluster.local", Type.A, "NOERROR A 10.1.1.1"),
        c("noports.prod.svc.cluster.local", Type.SRV, "NOERROR"),
        // SRV
        c(
            "_http._tcp.web.default.svc.cluster.local",
            Type.SRV,
            "NOERROR SRV 0 100 80 web.default.svc.cluster.local."),
        c(
            "web.default.svc.cluster.local",
            Type.SRV,
            "NOERROR SRV 0 50 80 web.default.svc.cluster.local. | SRV 0 50 9090"
                + " web.default.svc.cluster.local."),
        c("_http._udp.web.default.svc.cluster.local", Type.SRV, "NXDOMAIN"),
        c("_nope._tcp.web.default.svc.cluster.local", Type.SRV, "NXDOMAIN"),
        c(
            "_pg._tcp.db.default.svc.cluster.local",
            Type.SRV,
            "NOERROR SRV 0 33 5432 10-1-0-4.db.default.svc.cluster.local. | SRV 0 33 5432"
                + " db-0.db.default.svc.cluster.local. | SRV 0 33 5432"
                + " db-1.db.default.svc.cluster.local."),
        c("a._pg._tcp.db.default.svc.cluster.local", Type.SRV, "NXDOMAIN"),
        // ExternalName
        c("ext.default.svc.cluster.local", Type.CNAME, "NOERROR CNAME example.com."),
        c("ext.default.svc.cluster.local", Type.A, "CHASE example.com. A"),
        c("ext.default.svc.cluster.local", Type.SRV, "NOERROR"),
        c("_http._tcp.ext.default.svc.cluster.local", Type.SRV, "NXDOMAIN"),
        c(
            "alias.default.svc.cluster.local",
            Type.A,
            "NOERROR A 10.96.0.10 | CNAME web.default.svc.cluster.local."),
        c("byip.default.svc.cluster.local", Type.A, "NXDOMAIN"),
        // pods, insecure mode
        c("10-1-2-3.default.pod.cluster.local", Type.A, "NOERROR A 10.1.2.3"),
        c("10-1-2-3.default.pod.cluster.local", Type.AAAA, "NOERROR"),
        c("fd00--1.default.pod.cluster.local", Type.AAAA, "NOERROR AAAA fd00:0:0:0:0:0:0:1"),
        c("not-an-ip.default.pod.cluster.local", Type.A, "NXDOMAIN"),
        c("10-1-2-3.nowhere.pod.cluster.local", Type.A, "NXDOMAIN"),
        // the rest of the zone
        c("cluster.local", Type.A, "NOERROR"),
        c("svc.cluster.local", Type.A, "NOERROR"),
        c("pod.cluster.local", Type.A, "NOERROR"),
        c("default.svc.cluster.local", Type.A, "NOERROR"),
        c("nowhere.svc.cluster.local", Type.A, "NXDOMAIN"),
        c("other.cluster.local", Type.A, "NXDOMAIN"),
        c("dns-version.cluster.local", Type.TXT, "NOERROR TXT \"1.1.0\""),
        c("web.default.svc.cluster.local", Type.TXT, "NOERROR"),
        c("missing.default.svc.cluster.local", Type.TXT, "NXDOMAIN"),
        c("web.default.svc.cluster.local", Type.MX, "NOERROR"),
        c("missing.default.svc.cluster.local", Type.MX, "NXDOMAIN"),
        c("cluster.local", Type.NS, "NOERROR NS ns.dns.cluster.local."),
        c("ns.dns.cluster.local", Type.A, "NOERROR A 127.0.0.1"),
        c("cluster.local", Type.AXFR, "REFUSED"),
        // reverse: cluster IPs, then endpoints; unknown addresses go upstream
        c("10.0.96.10.in-addr.arpa", Type.PTR, "NOERROR PTR web.default.svc.cluster.local."),
        c(
            "1.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa",
            Type.PTR,
            "NOERROR PTR dual.default.svc.cluster.local."),
        c("1.0.1.10.in-addr.arpa", Type.PTR, "NOERROR PTR db-0.db.default.svc.cluster.local."),
        c("4.0.1.10.in-addr.arpa", Type.PTR, "NOERROR PTR 10-1-0-4.db.default.svc.cluster.local."),
        c("3.0.1.10.in-addr.arpa", Type.PTR, "FORWARD"),
        c("10.in-addr.arpa", Type.PTR, "FORWARD"),
        c("10.0.96.10.in-addr.arpa", Type.A, "FORWARD"),
        // outside the zone
        c("example.com", Type.A, "FORWARD"),
        c("cluster.local.example.com", Type.A, "FORWARD"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void answers(String name, String type, String expected) throws Exception {
    ZoneDecision d = zone.decide(Name.fromString(name, Name.root), Type.value(type));
    assertThat(show(d)).isEqualTo(expected);
    if (d instanceof Answer a && a.answer().isEmpty() && a.rcode() != Rcode.REFUSED) {
      assertThat(a.authority()).singleElement().isInstanceOf(SOARecord.class);
    }
  }

  @Test
  void answersKeepTheQuestionsSpellingAndTtl() throws Exception {
    Name q = Name.fromString("WEB.Default.svc.cluster.local.");
    Answer a = (Answer) zone.decide(q, Type.A);
    Record r = a.answer().get(0);
    assertThat(r.getName().toString()).isEqualTo("WEB.Default.svc.cluster.local.");
    assertThat(r.getTTL()).isEqualTo(5);
  }

  @Test
  void soaIsCoreDnsShapedWithTheLastChangeAsSerial() throws Exception {
    clock.advance(java.time.Duration.ofSeconds(42));
    records.removeService("default", "web");
    Answer a = (Answer) zone.decide(Name.fromString("cluster.local."), Type.SOA);
    SOARecord soa = (SOARecord) a.answer().get(0);
    assertThat(soa.getHost().toString()).isEqualTo("ns.dns.cluster.local.");
    assertThat(soa.getAdmin().toString()).isEqualTo("hostmaster.cluster.local.");
    assertThat(soa.getSerial()).isEqualTo(START.getEpochSecond() + 42);
    assertThat(soa.getMinimum()).isEqualTo(5);
    assertThat(soa.getTTL()).isEqualTo(5);
  }

  @Test
  void changesAreFollowed() throws Exception {
    Name web = Name.fromString("web.default.svc.cluster.local.");
    Name ptr = Name.fromString("10.0.96.10.in-addr.arpa.");
    records.removeService("default", "web");
    assertThat(show(zone.decide(web, Type.A))).isEqualTo("NXDOMAIN");
    assertThat(show(zone.decide(ptr, Type.PTR))).isEqualTo("FORWARD");

    records.putService(
        ServiceEntry.of(
            clusterIp("default", "web", List.of("10.96.0.99"), port("http", "TCP", 80))));
    assertThat(show(zone.decide(web, Type.A))).isEqualTo("NOERROR A 10.96.0.99");

    Name db0 = Name.fromString("1.0.1.10.in-addr.arpa.");
    records.putSlice(
        SliceEntry.of(
            slice(
                "default",
                "db-xyz",
                "db",
                "IPv4",
                List.of(slicePort("pg", "TCP", 5432)),
                endpoint("10.1.0.1", "db-0", false))));
    assertThat(show(zone.decide(db0, Type.PTR))).isEqualTo("FORWARD");
    assertThat(show(zone.decide(Name.fromString("db.default.svc.cluster.local."), Type.A)))
        .isEqualTo("NXDOMAIN");
  }

  @Test
  void nameErrorsAreServfailUntilTheInformersHaveSynced() throws Exception {
    records.syncedWhen(() -> false);
    assertThat(show(zone.decide(Name.fromString("missing.default.svc.cluster.local."), Type.A)))
        .isEqualTo("SERVFAIL");
    assertThat(show(zone.decide(Name.fromString("web.default.svc.cluster.local."), Type.A)))
        .isEqualTo("NOERROR A 10.96.0.10");
  }

  private static Arguments c(String name, int type, String expected) {
    return Arguments.of(name, Type.string(type), expected);
  }

  private static String show(ZoneDecision d) {
    return switch (d) {
      case ZoneDecision.Forward f -> "FORWARD";
      case ChaseExternal c -> "CHASE " + c.target() + " " + Type.string(c.type());
      case Answer a -> {
        List<String> rrs =
            a.answer().stream()
                .map(r -> Type.string(r.getType()) + " " + r.rdataToString())
                .sorted()
                .toList();
        yield rrs.isEmpty()
            ? Rcode.string(a.rcode())
            : Rcode.string(a.rcode()) + " " + String.join(" | ", rrs);
      }
    };
  }
}
