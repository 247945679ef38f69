package io.k8j.dns.server;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;

/**
 * DNS over UDP: a fixed set of reader threads share one socket; each answers what the cluster zone
 * and the cache can answer at once, in place. Queries that must wait on an upstream go to {@code
 * waiting} (virtual threads), at most {@code maxWaiting} at a time; past that they are answered
 * SERVFAIL at once, as an overloaded resolver should. No thread is started per packet beyond that
 * bound.
 */
public final class UdpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(UdpServer.class);

  private final DatagramChannel channel;
  private final QueryHandler handler;
  private final ExecutorService waiting;
  private final Semaphore waitingPermits;
  private final List<Thread> readers = new ArrayList<>();
  private volatile boolean closed;

  /** Binds {@code address} (port 0: any free port); {@link #start} starts the readers. */
  public UdpServer(
      InetSocketAddress address, QueryHandler handler, ExecutorService waiting, int maxWaiting)
      throws IOException {
    this.channel =
        DatagramChannel.open(
            address.getAddress() instanceof Inet6Address
                ? StandardProtocolFamily.INET6
                : StandardProtocolFamily.INET);
    this.channel.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
    this.channel.bind(address);
    this.handler = handler;
    this.waiting = waiting;
    this.waitingPermits = new Semaphore(maxWaiting);
  }

  public InetSocketAddress localAddress() throws IOException {
    return (InetSocketAddress) channel.getLocalAddress();
  }

  public void start(int readerThreads) {
    for (int i = 0; i < readerThreads; i++) {
      Thread t = Thread.ofPlatform().daemon().name("dns-udp-" + i).unstarted(this::readLoop);
      readers.add(t);
      t.start();
    }
  }

  private void readLoop() {
    ByteBuffer in = ByteBuffer.allocate(65535);
    while (!closed) {
      SocketAddress client;
      try {
        in.clear();
        client = channel.receive(in);
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        if (!closed) {
          LOG.debug("udp receive: {}", e.toString());
        }
        continue;
      }
      long start = System.nanoTime();
      try {
        serve(in.array(), in.position(), client, start);
      } catch (RuntimeException e) {
        LOG.warn("udp query from {} failed", client, e);
      }
    }
  }

  private void serve(byte[] wire, int length, SocketAddress client, long start) {
    Message query = QueryHandler.parse(wire, length);
    if (query == null) {
      return;
    }
    Message response = handler.answer(query, false, "udp", start);
    if (response != null) {
      send(response, query, client);
      return;
    }
    if (!waitingPermits.tryAcquire()) {
      send(QueryHandler.error(query, Rcode.SERVFAIL), query, client);
      return;
    }
    try {
      waiting.execute(
          () -> {
            try {
              send(handler.answer(query, true, "udp", start), query, client);
            } catch (RuntimeException e) {
              LOG.warn("udp query from {} failed", client, e);
            } finally {
              waitingPermits.release();
            }
          });
    } catch (RuntimeException e) {
      waitingPermits.release();
    }
  }

  private void send(Message response, Message query, SocketAddress client) {
    try {
      channel.send(ByteBuffer.wrap(QueryHandler.toWire(response, query, true)), client);
    } catch (IOException e) {
      if (!closed) {
        LOG.debug("udp send to {}: {}", client, e.toString());
      }
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    channel.close();
    for (Thread t : readers) {
      try {
        t.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
