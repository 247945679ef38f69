package io.k8j.proxy.userspace;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts TCP connections and splices each to an endpoint: one virtual thread per direction over
 * blocking channels. A connection whose endpoint refuses is retried on the next endpoint (up to
 * three tries), as upstream's userspace proxy did.
 */
final class TcpListener implements Listener {
  private static final Logger LOG = LoggerFactory.getLogger(TcpListener.class);
  private static final int BUFFER = 16 * 1024;
  private static final int TRIES = 3;

  private final ServerSocketChannel server;
  private final InetSocketAddress address;
  private final RoundRobin endpoints;
  private final Duration connectTimeout;
  private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private TcpListener(ServerSocketChannel server, RoundRobin endpoints, Duration connectTimeout)
      throws IOException {
    this.server = server;
    this.address = (InetSocketAddress) server.getLocalAddress();
    this.endpoints = endpoints;
    this.connectTimeout = connectTimeout;
  }

  /** Binds {@code address} and starts accepting; throws if the address cannot be bound. */
  static TcpListener open(InetSocketAddress address, RoundRobin endpoints, Duration connectTimeout)
      throws IOException {
    ServerSocketChannel server = ServerSocketChannel.open();
    try {
      server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      server.bind(address, 1024);
    } catch (IOException e) {
      server.close();
      throw e;
    }
    TcpListener l = new TcpListener(server, endpoints, connectTimeout);
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
        track(client);
        Thread.ofVirtual().start(() -> serve(client));
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        if (!closed) {
          LOG.debug("accept on {}: {}", address, e.toString());
        }
      }
    }
  }

  private void serve(SocketChannel client) {
    SocketChannel backend = null;
    try {
      client.setOption(StandardSocketOptions.TCP_NODELAY, true);
      java.net.InetAddress clientIp = ((InetSocketAddress) client.getRemoteAddress()).getAddress();
      for (int i = 0; i < TRIES && backend == null && !closed; i++) {
        InetSocketAddress ep = endpoints.next(clientIp);
        if (ep == null) {
          break;
        }
        backend = connect(ep);
        if (backend == null) {
          endpoints.failed(clientIp);
        }
      }
      if (backend == null) {
        return;
      }
      track(backend);
      SocketChannel b = backend;
      Thread up = Thread.ofVirtual().start(() -> copy(client, b));
      copy(b, client);
      up.join();
    } catch (IOException e) {
      LOG.debug("connection on {}: {}", address, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closeQuietly(client);
      if (backend != null) {
        closeQuietly(backend);
      }
    }
  }

  private SocketChannel connect(InetSocketAddress ep) {
    try {
      SocketChannel ch = SocketChannel.open();
      try {
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        ch.socket().connect(ep, (int) connectTimeout.toMillis());
        return ch;
      } catch (IOException e) {
        ch.close();
        LOG.debug("{}: endpoint {} failed: {}", address, ep, e.toString());
        return null;
      }
    } catch (IOException e) {
      return null;
    }
  }

  /** Copies until end of stream, then half-closes the destination. */
  private void copy(SocketChannel from, SocketChannel to) {
    ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER);
    try {
      while (from.read(buf) >= 0) {
        buf.flip();
        while (buf.hasRemaining()) {
          to.write(buf);
        }
        buf.clear();
      }
      to.shutdownOutput();
    } catch (IOException e) {
      // reset or closed by the other direction: end both
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private void track(SocketChannel ch) {
    open.add(ch);
    if (closed) {
      closeQuietly(ch);
    }
  }

  private void closeQuietly(SocketChannel ch) {
    open.remove(ch);
    try {
      ch.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // already closed
    }
    for (SocketChannel ch : open) {
      closeQuietly(ch);
    }
  }
}
