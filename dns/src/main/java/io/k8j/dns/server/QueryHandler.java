package io.k8j.dns.server;

import io.k8j.dns.forward.Forwarder;
import io.k8j.dns.forward.Forwarder.UpstreamFailure;
import io.k8j.dns.server.DnsMetrics.Source;
import io.k8j.dns.zone.KubernetesZone;
import io.k8j.dns.zone.ZoneDecision;
import io.k8j.dns.zone.ZoneDecision.Answer;
import io.k8j.dns.zone.ZoneDecision.ChaseExternal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * Turns a query into a response: the cluster zone decides; what it does not own goes to the
 * upstream resolvers. Answers that need no upstream come back at once ({@link #answer} with {@code
 * mayWait} false returns null for the others, so a UDP reader never blocks on an upstream).
 */
public final class QueryHandler {
  /** The largest UDP response this server sends to an EDNS client. */
  static final int MAX_UDP_SIZE = 4096;

  /** The payload size this server advertises in its OPT record (the DNS flag day's 1232). */
  static final int ADVERTISED_UDP_SIZE = 1232;

  private final KubernetesZone zone;
  private final Forwarder forwarder;
  private final DnsMetrics metrics;

  public QueryHandler(KubernetesZone zone, Forwarder forwarder, DnsMetrics metrics) {
    this.zone = zone;
    this.forwarder = forwarder;
    this.metrics = metrics;
  }

  /** Parses a query; null when it is not worth an answer (too short or itself a response). */
  static Message parse(byte[] wire, int length) {
    if (length < Header.LENGTH || (wire[2] & 0x80) != 0) {
      return null;
    }
    try {
      return new Message(ByteBuffer.wrap(wire, 0, length));
    } catch (IOException e) {
      Message formErr = new Message(((wire[0] & 0xFF) << 8) | (wire[1] & 0xFF));
      formErr.getHeader().setFlag(Flags.QR);
      formErr.getHeader().setRcode(Rcode.FORMERR);
      return formErr;
    }
  }

  /**
   * The response to {@code query}, or null when it needs an upstream and {@code mayWait} is false.
   * {@code startNanos} is when the query arrived ({@link System#nanoTime}).
   */
  public Message answer(Message query, boolean mayWait, String proto, long startNanos) {
    Query q = new Query(query, proto, startNanos);
    Header h = query.getHeader();
    if (h.getFlag(Flags.QR)) {
      // parse() turned an unreadable query into this FORMERR
      return finish(q, query, Source.ZONE);
    }
    Record question = query.getQuestion();
    if (h.getOpcode() != Opcode.QUERY) {
      return finish(q, error(query, Rcode.NOTIMP), Source.ZONE);
    }
    if (question == null || h.getCount(Section.QUESTION) != 1) {
      return finish(q, error(query, Rcode.FORMERR), Source.ZONE);
    }
    ZoneDecision decision =
        question.getDClass() == DClass.IN || question.getDClass() == DClass.ANY
            ? zone.decide(question.getName(), question.getType())
            : ZoneDecision.FORWARD;
    return switch (decision) {
      case Answer a -> finish(q, fromZone(query, a), Source.ZONE);
      case ZoneDecision.Forward f -> forward(q, mayWait);
      case ChaseExternal c -> mayWait ? chase(q, c) : null;
    };
  }

  /** A query being answered, with what its metrics need. */
  private record Query(Message message, String proto, long startNanos) {}

  private Message forward(Query q, boolean mayWait) {
    Message cached = forwarder.cached(q.message());
    if (cached != null) {
      metrics.cacheHit(
          cached.getRcode() == Rcode.NXDOMAIN || cached.getSection(Section.ANSWER).isEmpty());
      return finish(q, cached, Source.CACHE);
    }
    if (!mayWait) {
      return null;
    }
    // counted once, by the thread that goes upstream (the reader that could not wait also looked)
    metrics.cacheMiss();
    try {
      return finish(q, forwarder.forward(q.message()), Source.UPSTREAM);
    } catch (UpstreamFailure e) {
      metrics.upstreamFailure();
      return finish(q, error(q.message(), Rcode.SERVFAIL), Source.UPSTREAM);
    }
  }

  private Message chase(Query q, ChaseExternal chase) {
    Answer answer;
    try {
      Message upstream = forwarder.lookup(chase.target(), chase.type());
      answer = chase.resolved(upstream.getSection(Section.ANSWER));
    } catch (UpstreamFailure e) {
      metrics.upstreamFailure();
      answer = chase.unresolved();
    }
    return finish(q, fromZone(q.message(), answer), Source.UPSTREAM);
  }

  /** Counts the query and its response once, when the response is known. */
  private Message finish(Query q, Message response, Source source) {
    Record question = q.message().getQuestion();
    int type = question == null ? -1 : question.getType();
    metrics.request(q.proto(), type);
    metrics.response(type, response.getRcode(), source, q.startNanos());
    return response;
  }

  private static Message fromZone(Message query, Answer a) {
    Message m = reply(query);
    m.getHeader().setRcode(a.rcode());
    if (a.authoritative()) {
      m.getHeader().setFlag(Flags.AA);
    }
    add(m, a.answer(), Section.ANSWER);
    add(m, a.authority(), Section.AUTHORITY);
    add(m, a.additional(), Section.ADDITIONAL);
    return m;
  }

  /** A response with no records and {@code rcode}. */
  static Message error(Message query, int rcode) {
    Message m = reply(query);
    m.getHeader().setRcode(rcode);
    return m;
  }

  private static Message reply(Message query) {
    Message m = new Message(query.getHeader().getID());
    Header h = m.getHeader();
    h.setFlag(Flags.QR);
    h.setOpcode(query.getHeader().getOpcode());
    if (query.getHeader().getFlag(Flags.RD)) {
      h.setFlag(Flags.RD);
    }
    if (query.getHeader().getFlag(Flags.CD)) {
      h.setFlag(Flags.CD);
    }
    Record question = query.getQuestion();
    if (question != null) {
      m.addRecord(question, Section.QUESTION);
    }
    return m;
  }

  private static void add(Message m, List<Record> records, int section) {
    for (Record r : records) {
      m.addRecord(r, section);
    }
  }

  /**
   * The response's wire form for the client that sent {@code query}: with an OPT record if it sent
   * one, and (over UDP) truncated to the size it can take, with TC set.
   */
  static byte[] toWire(Message response, Message query, boolean udp) {
    OPTRecord clientOpt = query.getOPT();
    int max = 65535;
    if (clientOpt != null) {
      int flags = clientOpt.getFlags() & ExtendedFlags.DO;
      response.addRecord(new OPTRecord(ADVERTISED_UDP_SIZE, 0, 0, flags), Section.ADDITIONAL);
      if (udp) {
        max = Math.min(MAX_UDP_SIZE, Math.max(512, clientOpt.getPayloadSize()));
      }
    } else if (udp) {
      max = 512;
    }
    return response.toWire(max);
  }
}
