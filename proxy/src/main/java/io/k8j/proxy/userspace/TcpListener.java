package io.k8j.proxy.userspace;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
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
 * Accepts TCP connections on one of the event loops (no thread of its own, no hand-over when the
 * connection stays on that loop) and spreads them over the loops, in turn, each as a {@link Splice}
 * to an endpoint.
 */
final class TcpListener implements Listener, EventLoop.Handler {
  private static final Logger LOG = LoggerFactory.getLogger(TcpListener.class);

  /** Connections accepted per readiness event before the loop serves the others again. */
  private static final int ACCEPT_BATCH = 64;

  /** Spreads the listeners' accepting over the loops. */
  private static final AtomicInteger NEXT_ACCEPTOR = new AtomicInteger();

  private final ServerSocketChannel server;
  private final InetSocketAddress address;
  private final RoundRobin endpoints;
  private final List<EventLoop> loops;
  private final EventLoop acceptor;
  private final long connectTimeoutNanos;
  private final Set<Splice> open = ConcurrentHashMap.newKeySet();
  private int nextLoop;
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
    this.loops = List.copyOf(loops);
    this.acceptor =
        this.loops.get(Math.floorMod(NEXT_ACCEPTOR.getAndIncrement(), this.loops.size()));
    this.connectTimeoutNanos = connectTimeout.toNanos();
  }

  /** Binds {@code address} and starts accepting; throws if the address cannot be bound. */
  static TcpListener open(
      InetSocketAddress address, RoundRobin endpoints, List<EventLoop> loops, Duration timeout)
      throws IOException {
    ServerSocketChannel server = ServerSocketChannel.open();
    TcpListener l;
    try {
      server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      server.bind(address, 1024);
      server.configureBlocking(false);
      l = new TcpListener(server, endpoints, loops, timeout);
    } catch (IOException e) {
      server.close();
      throw e;
    }
    l.acceptor.execute(l::register);
    return l;
  }

  @Override
  public InetSocketAddress address() {
    return address;
  }

  /** On the accepting loop's thread. */
  private void register() {
    if (closed) {
      return;
    }
    try {
      server.register(acceptor.selector(), SelectionKey.OP_ACCEPT, this);
      acceptor.add(this);
    } catch (ClosedChannelException e) {
      // closed meanwhile
    }
  }

  /** The server socket has connections waiting: takes them (on the accepting loop's thread). */
  @Override
  public void ready(SelectionKey key) {
    for (int i = 0; i < ACCEPT_BATCH && !closed; i++) {
      SocketChannel client;
      try {
        client = server.accept();
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        // e.g. out of file descriptors, or the client reset before it was taken
        LOG.debug("accept on {}: {}", address, e.toString());
        return;
      }
      if (client == null) {
        return;
      }
      start(client);
    }
  }

  private void start(SocketChannel client) {
    EventLoop loop = loops.get(nextLoop);
    nextLoop = (nextLoop + 1) % loops.size();
    InetSocketAddress from;
    try {
      from = (InetSocketAddress) client.getRemoteAddress();
    } catch (IOException e) {
      closeQuietly(client);
      return;
    }
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
    if (loop == acceptor) {
      self[0].start();
    } else {
      loop.execute(self[0]::start);
    }
    if (closed) {
      loop.execute(self[0]::close);
    }
  }

  /** The accepting loop is closing. */
  @Override
  public void close() {
    closed = true;
    acceptor.remove(this);
    try {
      server.close();
    } catch (IOException e) {
      // already closed
    }
    for (Splice s : open) {
      s.loop().execute(s::close);
    }
  }

  private static void closeQuietly(SocketChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      // already closed
    }
  }
}
