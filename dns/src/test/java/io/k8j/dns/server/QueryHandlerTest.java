package io.k8j.dns.server;

import static io.k8j.dns.Fixtures.endpoint;
import static io.k8j.dns.Fixtures.headless;
import static io.k8j.dns.Fixtures.port;
import static io.k8j.dns.Fixtures.slice;
import static io.k8j.dns.Fixtures.slicePort;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.k8j.common.FakeClock;
import io.k8j.dns.forward.Forwarder;
import io.k8j.dns.forward.ResponseCache;
import io.k8j.dns.model.ClusterRecords;
import io.k8j.dns.model.ServiceEntry;
import io.k8j.dns.model.SliceEntry;
import io.k8j.dns.zone.KubernetesZone;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class QueryHandlerTest {
  private final FakeClock clock = new FakeClock();
  private final ClusterRecords records = new ClusterRecords(clock);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final QueryHandler handler =
      new QueryHandler(
          new KubernetesZone(records, "cluster.local", 5, List.of()),
          new Forwarder(List.of(), Duration.ofMillis(100), clock, new ResponseCache(clock, 10, 30)),
          new DnsMetrics(registry, "dns://:53"));

  QueryHandlerTest() {
    records.putNamespace("default");
    records.putService(ServiceEntry.of(headless("default", "many", port("http", "TCP", 80))));
    Endpoint[] endpoints = new Endpoint[100];
    for (int i = 0; i < endpoints.length; i++) {
      endpoints[i] = endpoint("10.3.0." + (i + 1), null, true);
    }
    records.putSlice(
        SliceEntry.of(
            slice(
                "default",
                "many-1",
                "many",
                "IPv4",
                List.of(slicePort("http", "TCP", 80)),
                endpoints)));
  }

  @Test
  void aResponseRepeatsTheIdQuestionAndRdAndIsAuthoritative() throws Exception {
    Message q = query("many.default.svc.cluster.local.", Type.A);
    Message r = reparse(handler.answer(q, false, "udp", System.nanoTime()), q, true);
    assertThat(r.getHeader().getID()).isEqualTo(q.getHeader().getID());
    assertThat(r.getHeader().getFlag(Flags.QR)).isTrue();
    assertThat(r.getHeader().getFlag(Flags.RD)).isTrue();
    assertThat(r.getHeader().getFlag(Flags.AA)).isTrue();
    assertThat(r.getQuestion()).isEqualTo(q.getQuestion());
  }

  @Test
  void overUdpALargeAnswerIsTruncatedToWhatTheClientTakes() throws Exception {
    Message q = query("many.default.svc.cluster.local.", Type.A);
    Message plain = reparse(handler.answer(q, false, "udp", System.nanoTime()), q, true);
    assertThat(plain.getHeader().getFlag(Flags.TC)).isTrue();
    assertThat(plain.getSection(Section.ANSWER).size()).isLessThan(100);

    Message overTcp = reparse(handler.answer(q, true, "tcp", System.nanoTime()), q, false);
    assertThat(overTcp.getHeader().getFlag(Flags.TC)).isFalse();
    assertThat(overTcp.getSection(Section.ANSWER)).hasSize(100);

    Message edns = query("many.default.svc.cluster.local.", Type.A);
    edns.addRecord(new OPTRecord(4096, 0, 0), Section.ADDITIONAL);
    Message big = reparse(handler.answer(edns, false, "udp", System.nanoTime()), edns, true);
    assertThat(big.getHeader().getFlag(Flags.TC)).isFalse();
    assertThat(big.getSection(Section.ANSWER)).hasSize(100);
    assertThat(big.getOPT()).isNotNull();
    assertThat(big.getOPT().getPayloadSize()).isEqualTo(QueryHandler.ADVERTISED_UDP_SIZE);
  }

  @Test
  void malformedAndUnsupportedQueriesAreRefusedAsTheProtocolSays() throws Exception {
    byte[] garbage = {0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x7f};
    Message formErr = QueryHandler.parse(garbage, garbage.length);
    Message r = handler.answer(formErr, false, "udp", System.nanoTime());
    assertThat(r.getRcode()).isEqualTo(Rcode.FORMERR);
    assertThat(r.getHeader().getID()).isEqualTo(0x1234);

    byte[] aResponse = query("x.", Type.A).toWire();
    aResponse[2] |= (byte) 0x80;
    assertThat(QueryHandler.parse(aResponse, aResponse.length))
        .as("never answer a response")
        .isNull();
    assertThat(QueryHandler.parse(new byte[5], 5)).isNull();

    Message notify = query("cluster.local.", Type.SOA);
    notify.getHeader().setOpcode(Opcode.NOTIFY);
    assertThat(handler.answer(notify, false, "udp", System.nanoTime()).getRcode())
        .isEqualTo(Rcode.NOTIMP);
  }

  @Test
  void upstreamNamesWaitOnlyWhenTheCallerMayAndFailAsServfail() throws Exception {
    Message q = query("example.com.", Type.A);
    assertThat(handler.answer(q, false, "udp", System.nanoTime())).isNull();
    Message r = handler.answer(q, true, "udp", System.nanoTime());
    assertThat(r.getRcode()).isEqualTo(Rcode.SERVFAIL);
    assertThat(registry.get("dns.upstream.failures").counter().count()).isEqualTo(1);
    assertThat(
            registry
                .get("coredns.dns.requests")
                .tags("proto", "udp", "type", "A")
                .counter()
                .count())
        .as("counted once, not once per try")
        .isEqualTo(1);
    assertThat(registry.get("coredns.cache.misses").counter().count())
        .as("one miss, though the cache was looked at by both tries")
        .isEqualTo(1);
    assertThat(
            registry
                .get("coredns.dns.responses")
                .tags("rcode", "SERVFAIL", "plugin", "forward")
                .counter()
                .count())
        .isEqualTo(1);
  }

  private static Message query(String name, int type) throws Exception {
    return Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
  }

  private static Message reparse(Message response, Message query, boolean udp) throws Exception {
    return new Message(QueryHandler.toWire(response, query, udp));
  }
}
