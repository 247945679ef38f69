package io.k8j.dns.forward;

import io.k8j.common.Clock;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;

/**
 * Sends queries on to the upstream resolvers, as CoreDNS's {@code forward . /etc/resolv.conf}:
 * upstreams tried from a random one on, each query under one deadline ({@code timeout} for all
 * tries together), over UDP and again over TCP when the answer is truncated; answers kept in a
 * {@link ResponseCache}. A query no upstream answers in time fails: it never hangs.
 *
 * <p>Calls block up to the deadline: make them from threads that may wait (virtual threads).
 */
public final class Forwarder {
  private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
  private static final int UPSTREAM_UDP_SIZE = 1232;

  /** No upstream answered in time. */
  public static final class UpstreamFailure extends Exception {
    public UpstreamFailure(String message) {
      super(message, null, false, false);
    }
  }

  private final List<InetSocketAddress> upstreams;
  private final List<SimpleResolver> resolvers = new ArrayList<>();
  private final Duration timeout;
  private final Clock clock;
  private final ResponseCache cache;

  public Forwarder(
      List<InetSocketAddress> upstreams, Duration timeout, Clock clock, ResponseCache cache) {
    this.upstreams = List.copyOf(upstreams);
    this.timeout = timeout;
    this.clock = clock;
    this.cache = cache;
    for (InetSocketAddress upstream : this.upstreams) {
      SimpleResolver r = new SimpleResolver(upstream);
      r.setTimeout(timeout);
      r.setEDNS(0, UPSTREAM_UDP_SIZE, 0, List.of());
      resolvers.add(r);
    }
  }

  public List<InetSocketAddress> upstreams() {
    return upstreams;
  }

  /** The cached answer to {@code query}, or null: never waits. */
  public Message cached(Message query) {
    return cache.get(query);
  }

  /**
   * The upstreams' answer to {@code query} (from the cache when it holds one), with the query's ID
   * and without EDNS (the caller adds its own).
   */
  public Message forward(Message query) throws UpstreamFailure {
    Message hit = cache.get(query);
    if (hit != null) {
      return hit;
    }
    Message upstreamQuery = upstreamQuery(query);
    Message response = exchange(upstreamQuery);
    cache.put(query, response);
    return withoutOpt(response, query.getHeader().getID());
  }

  /** Asks the upstreams for records of {@code type} at {@code name} (recursion desired). */
  public Message lookup(Name name, int type) throws UpstreamFailure {
    Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
    return forward(query);
  }

  private Message exchange(Message query) throws UpstreamFailure {
    if (resolvers.isEmpty()) {
      throw new UpstreamFailure("no upstream resolvers");
    }
    long deadline = clock.nanoTime() + timeout.toNanos();
    int start = ThreadLocalRandom.current().nextInt(resolvers.size());
    String last = "timed out";
    for (int i = 0; i < resolvers.size(); i++) {
      long left = deadline - clock.nanoTime();
      if (left <= 0) {
        break;
      }
      int n = (start + i) % resolvers.size();
      // an upstream that does not answer leaves the next ones their share of the deadline
      long share = left / (resolvers.size() - i);
      try {
        return resolvers
            .get(n)
            .sendAsync(query, Runnable::run)
            .toCompletableFuture()
            .get(share, TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        last = upstreams.get(n) + " timed out";
      } catch (ExecutionException e) {
        last = upstreams.get(n) + ": " + e.getCause();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UpstreamFailure("interrupted");
      }
      LOG.debug("upstream {}", last);
    }
    throw new UpstreamFailure(last);
  }

  private static Message upstreamQuery(Message query) {
    Message m = new Message();
    m.getHeader().setFlag(Flags.RD);
    if (query.getHeader().getFlag(Flags.CD)) {
      m.getHeader().setFlag(Flags.CD);
    }
    m.addRecord(query.getQuestion(), Section.QUESTION);
    OPTRecord opt = query.getOPT();
    if (opt != null) {
      m.addRecord(
          new OPTRecord(UPSTREAM_UDP_SIZE, 0, 0, opt.getFlags() & ExtendedFlags.DO),
          Section.ADDITIONAL);
    }
    return m;
  }

  private static Message withoutOpt(Message response, int id) {
    Message m = response.clone();
    m.getHeader().setID(id);
    OPTRecord opt = m.getOPT();
    if (opt != null) {
      m.removeRecord(opt, Section.ADDITIONAL);
    }
    return m;
  }
}
