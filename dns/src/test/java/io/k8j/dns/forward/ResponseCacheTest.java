package io.k8j.dns.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8j.common.FakeClock;
import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class ResponseCacheTest {
  private final FakeClock clock = new FakeClock();
  private final ResponseCache cache = new ResponseCache(clock, 2, 30);

  @Test
  void answersAreKeptForTheirTtlCappedAndServedAgedWithTheQueryId() throws Exception {
    Message q = query("example.com.", Type.A);
    cache.put(q, answer(q, Rcode.NOERROR, 20));
    clock.advance(Duration.ofSeconds(5));
    Message q2 = query("EXAMPLE.com.", Type.A);
    Message hit = cache.get(q2);
    assertThat(hit.getHeader().getID()).isEqualTo(q2.getHeader().getID());
    assertThat(hit.getSection(Section.ANSWER).get(0).getTTL()).isEqualTo(15);
    clock.advance(Duration.ofSeconds(15));
    assertThat(cache.get(q2)).isNull();

    cache.put(q, answer(q, Rcode.NOERROR, 3600));
    clock.advance(Duration.ofSeconds(31));
    assertThat(cache.get(q)).as("capped at 30 s").isNull();
  }

  @Test
  void nxdomainIsKeptForTheSoaMinimumFailuresAndTruncationNotAtAll() throws Exception {
    Message q = query("nothing.example.", Type.A);
    Message nx = answer(q, Rcode.NXDOMAIN, 0);
    nx.addRecord(
        new SOARecord(
            Name.fromString("example."),
            DClass.IN,
            60,
            Name.fromString("ns.example."),
            Name.fromString("h.example."),
            1,
            1,
            1,
            1,
            10),
        Section.AUTHORITY);
    cache.put(q, nx);
    assertThat(cache.get(q).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    clock.advance(Duration.ofSeconds(11));
    assertThat(cache.get(q)).isNull();

    cache.put(q, answer(q, Rcode.SERVFAIL, 0));
    assertThat(cache.get(q)).isNull();
    Message tc = answer(q, Rcode.NOERROR, 60);
    tc.getHeader().setFlag(Flags.TC);
    cache.put(q, tc);
    assertThat(cache.get(q)).isNull();
  }

  @Test
  void theLeastRecentlyUsedGoesFirst() throws Exception {
    Message a = query("a.example.", Type.A);
    Message b = query("b.example.", Type.A);
    Message c = query("c.example.", Type.A);
    cache.put(a, answer(a, Rcode.NOERROR, 60));
    cache.put(b, answer(b, Rcode.NOERROR, 60));
    cache.get(a);
    cache.put(c, answer(c, Rcode.NOERROR, 60));
    assertThat(cache.get(b)).isNull();
    assertThat(cache.get(a)).isNotNull();
    assertThat(cache.size()).isEqualTo(2);
  }

  private static Message query(String name, int type) throws Exception {
    return Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
  }

  private static Message answer(Message q, int rcode, long ttl) throws Exception {
    Message m = new Message(q.getHeader().getID());
    m.getHeader().setFlag(Flags.QR);
    m.getHeader().setRcode(rcode);
    m.addRecord(q.getQuestion(), Section.QUESTION);
    if (ttl > 0) {
      m.addRecord(
          new ARecord(
              q.getQuestion().getName(), DClass.IN, ttl, InetAddress.getByName("192.0.2.1")),
          Section.ANSWER);
    }
    return m;
  }
}
