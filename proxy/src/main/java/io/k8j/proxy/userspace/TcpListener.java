package io.k8j.proxy.userspace;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts TCP connections (on a virtual thread) and hands each to one of the event loops, in turn,
 * as a {@link Splice} to an endpoint.
 */
final class TcpListener implements Listener {
  private static final Logger LOG = LoggerFactory.getLogger(TcpListener.class);

  private final ServerSocketChannel server;
  private final InetSocketAddress address;
  private final RoundRobin endpoints;
  private final List<EventLoop> loops;
  private final long connectTimeoutNanos;
  private final AtomicInteger nextLoop = new AtomicInteger();
  private final Set<Splice> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private TcpListener(
      ServerSocketChannel server,
      RoundRobin endpoints,
      List<EventLoop> loops,
      Duration connectTimeout)
      throws IOException {
    this.server = server;
    this.address = (InetSocketAddress) server.getLocalAddress();
    this.endpoints = endpoints;
    this.loops = loops;
    this.connectTimeoutNanos = connectTimeout.toNanos();
  }

  /** Binds {@code address} and starts accepting; throws if the address cannot be bound. */
  static TcpListener open(
      InetSocketAddress address, RoundRobin endpoints, List<EventLoop> loops, Duration timeout)
      throws IOException {
    ServerSocketChannel server = ServerSocketChannel.open();
    try {
      server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      server.bind(address, 1024);
    } catch (IOException e) {
      server.close();
      throw e;
    }
    TcpListener l = new TcpListener(server, endpoints, loops, timeout);
    Thread.ofVirtual().name("proxy-accept-" + address).start(l::acceptLoop);
    return l;
  }

  @Override
  public InetSocketAddress address() {
    return address;
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        SocketChannel client = server.accept();
        InetSocketAddress from = (InetSocketAddress) client.getRemoteAddress();
        EventLoop loop = loops.get(Math.floorMod(nextLoop.getAndIncrement(), loops.size()));
        Splice[] self = new Splice[1];
        self[0] =
            new Splice(
                loop,
                client,
                from.getAddress(),
                endpoints,
                connectTimeoutNanos,
                () -> open.remove(self[0]));
        open.add(self[0]);
        loop.execute(self[0]::start);
        if (closed) {
          loop.execute(self[0]::close);
        }
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        if (!closed) {
          LOG.debug("accept on {}: {}", address, e.toString());
        }
      }
    }
  }

  /** Stops accepting and ends the connections it carries. */
  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // already closed
    }
    for (Splice s : open) {
      s.loop().execute(s::close);
    }
  }
}
