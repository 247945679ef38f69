package io.k8j.dns.forward;

import io.k8j.common.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Upstream answers by question, as CoreDNS's {@code cache 30}: positive answers kept for their
 * smallest TTL, NXDOMAIN and NODATA for their SOA's, at most {@code maxTtlSeconds} either way;
 * served with the TTLs counted down. Truncated answers and failures are not kept. A bounded LRU.
 */
public final class ResponseCache {
  private record Key(
      String name, int type, int dclass, boolean dnssecOk, boolean checkingDisabled) {}

  private record Cached(Message response, long storedNanos, long expiresNanos) {}

  private final Clock clock;
  private final int capacity;
  private final long maxTtlSeconds;
  private final Map<Key, Cached> entries;

  public ResponseCache(Clock clock, int capacity, long maxTtlSeconds) {
    this.clock = clock;
    this.capacity = capacity;
    this.maxTtlSeconds = maxTtlSeconds;
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Key, Cached> eldest) {
            return size() > ResponseCache.this.capacity;
          }
        };
  }

  /** A copy of the cached answer to {@code query} with the query's ID and aged TTLs, or null. */
  public Message get(Message query) {
    if (capacity == 0) {
      return null;
    }
    Key key = key(query);
    Cached e;
    long now = clock.nanoTime();
    synchronized (entries) {
      e = entries.get(key);
      if (e != null && now >= e.expiresNanos()) {
        entries.remove(key);
        e = null;
      }
    }
    if (e == null) {
      return null;
    }
    long aged = (now - e.storedNanos()) / 1_000_000_000L;
    Message m = new Message(query.getHeader().getID());
    m.getHeader().setRcode(e.response().getRcode());
    for (int flag : new int[] {Flags.QR, Flags.RD, Flags.RA, Flags.AD}) {
      if (e.response().getHeader().getFlag(flag)) {
        m.getHeader().setFlag(flag);
      }
    }
    m.addRecord(query.getQuestion(), Section.QUESTION);
    for (int section : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
      for (Record r : e.response().getSection(section)) {
        if (r.getType() != Type.OPT) {
          m.addRecord(aged(r, aged), section);
        }
      }
    }
    return m;
  }

  /** Keeps {@code response} to {@code query} if it may be kept. */
  public void put(Message query, Message response) {
    if (capacity == 0 || response.getHeader().getFlag(Flags.TC)) {
      return;
    }
    int rcode = response.getRcode();
    long ttl;
    if (rcode == Rcode.NOERROR && !response.getSection(Section.ANSWER).isEmpty()) {
      ttl = minTtl(response.getSection(Section.ANSWER));
    } else if (rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN) {
      ttl = negativeTtl(response.getSection(Section.AUTHORITY));
    } else {
      return;
    }
    ttl = Math.min(ttl, maxTtlSeconds);
    if (ttl <= 0) {
      return;
    }
    long now = clock.nanoTime();
    Cached e = new Cached(response, now, now + ttl * 1_000_000_000L);
    synchronized (entries) {
      entries.put(key(query), e);
    }
  }

  public int size() {
    synchronized (entries) {
      return entries.size();
    }
  }

  private static Key key(Message query) {
    Record q = query.getQuestion();
    boolean dnssecOk =
        query.getOPT() != null && (query.getOPT().getFlags() & ExtendedFlags.DO) != 0;
    return new Key(
        q.getName().toString().toLowerCase(Locale.ROOT),
        q.getType(),
        q.getDClass(),
        dnssecOk,
        query.getHeader().getFlag(Flags.CD));
  }

  private static long minTtl(List<Record> records) {
    long min = Long.MAX_VALUE;
    for (Record r : records) {
      min = Math.min(min, r.getTTL());
    }
    return min;
  }

  private static long negativeTtl(List<Record> authority) {
    for (Record r : authority) {
      if (r instanceof SOARecord soa) {
        return Math.min(soa.getTTL(), soa.getMinimum());
      }
    }
    return 0;
  }

  private static Record aged(Record r, long seconds) {
    if (seconds == 0) {
      return r;
    }
    long ttl = Math.max(0, r.getTTL() - seconds);
    return Record.newRecord(r.getName(), r.getType(), r.getDClass(), ttl, r.rdataToWireCanonical());
  }
}
