package io.k8j.proxy.userspace;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One proxied TCP connection on an {@link EventLoop}: connects to an endpoint without blocking
 * (trying the next one, up to three, when one refuses or does not answer within the connect
 * timeout), then copies bytes both ways, passing each end-of-stream on as a half close.
 */
final class Splice implements EventLoop.Handler {
  private static final Logger LOG = LoggerFactory.getLogger(Splice.class);
  private static final int TRIES = 3;

  /** Bytes flowing one way, through a buffer kept in fill mode. */
  private static final class Direction {
    final SocketChannel from;
    final SocketChannel to;
    final ByteBuffer buf;
    boolean eof;
    boolean shut;

    Direction(SocketChannel from, SocketChannel to, ByteBuffer buf) {
      this.from = from;
      this.to = to;
      this.buf = buf;
    }

    /**
     * Moves what can move now without blocking. A short read means the socket is drained: its bytes
     * are written and the selector says when more come, saving a read that would find none.
     */
    void pump() throws IOException {
      while (true) {
        if (buf.position() > 0) {
          buf.flip();
          to.write(buf);
          buf.compact();
          if (buf.position() > 0) {
            return;
          }
        }
        if (eof) {
          if (!shut) {
            to.shutdownOutput();
            shut = true;
          }
          return;
        }
        int room = buf.remaining();
        int n = from.read(buf);
        if (n < 0) {
          eof = true;
        } else if (n == 0) {
          return;
        } else if (n < room) {
          buf.flip();
          to.write(buf);
          buf.compact();
          return;
        }
      }
    }

    int readInterest() {
      return !eof && buf.hasRemaining() ? SelectionKey.OP_READ : 0;
    }

    int writeInterest() {
      return buf.position() > 0 ? SelectionKey.OP_WRITE : 0;
    }
  }

  private final EventLoop loop;
  private final SocketChannel client;
  private final InetAddress clientIp;
  private final RoundRobin endpoints;
  private final long connectTimeoutNanos;
  private final Runnable onClose;
  private SocketChannel backend;
  private SelectionKey clientKey;
  private SelectionKey backendKey;
  private Direction up;
  private Direction down;
  private int tries;
  private long connectDeadline;
  private boolean closed;

  Splice(
      EventLoop loop,
      SocketChannel client,
      InetAddress clientIp,
      RoundRobin endpoints,
      long connectTimeoutNanos,
      Runnable onClose) {
    this.loop = loop;
    this.client = client;
    this.clientIp = clientIp;
    this.endpoints = endpoints;
    this.connectTimeoutNanos = connectTimeoutNanos;
    this.onClose = onClose;
  }

  EventLoop loop() {
    return loop;
  }

  /** Starts on the loop's thread. */
  void start() {
    loop.add(this);
    try {
      client.configureBlocking(false);
      client.setOption(StandardSocketOptions.TCP_NODELAY, true);
      clientKey = client.register(loop.selector(), 0, this);
    } catch (IOException e) {
      close();
      return;
    }
    connectNext();
  }

  private void connectNext() {
    if (backend != null) {
      endpoints.failed(clientIp);
      backendKey.cancel();
      closeQuietly(backend);
      backend = null;
    }
    InetSocketAddress ep = tries++ < TRIES ? endpoints.next(clientIp) : null;
    if (ep == null) {
      close();
      return;
    }
    try {
      backend = SocketChannel.open();
      backend.configureBlocking(false);
      backend.setOption(StandardSocketOptions.TCP_NODELAY, true);
      connectDeadline = System.nanoTime() + connectTimeoutNanos;
      // an endpoint on this host has mostly answered the handshake by the time connect returns:
      // asking at once saves a round through the selector
      boolean now = backend.connect(ep) || backend.finishConnect();
      backendKey = backend.register(loop.selector(), now ? 0 : SelectionKey.OP_CONNECT, this);
      if (now) {
        connected();
      }
    } catch (IOException e) {
      LOG.debug("endpoint {} failed: {}", ep, e.toString());
      if (backend != null && backendKey == null) {
        closeQuietly(backend);
        backend = null;
      }
      connectNext();
    }
  }

  private void connected() {
    up = new Direction(client, backend, loop.buffer());
    down = new Direction(backend, client, loop.buffer());
    // the client may have spoken already; the endpoint has not been asked anything yet
    pump(true, false);
  }

  @Override
  public void ready(SelectionKey key) {
    if (up == null) {
      if (key == backendKey && key.isConnectable()) {
        try {
          backend.finishConnect();
          connected();
        } catch (IOException e) {
          connectNext();
        }
      }
      return;
    }
    // only the directions this readiness concerns: a read on the idle side would find nothing
    int ops = key.readyOps();
    boolean fromClient = key == clientKey;
    pump(
        fromClient ? (ops & SelectionKey.OP_READ) != 0 : (ops & SelectionKey.OP_WRITE) != 0,
        fromClient ? (ops & SelectionKey.OP_WRITE) != 0 : (ops & SelectionKey.OP_READ) != 0);
  }

  private void pump(boolean upward, boolean downward) {
    try {
      if (upward) {
        up.pump();
      }
      if (downward) {
        down.pump();
      }
      if (up.shut && down.shut) {
        close();
        return;
      }
      clientKey.interestOps(up.readInterest() | down.writeInterest());
      backendKey.interestOps(down.readInterest() | up.writeInterest());
    } catch (IOException | RuntimeException e) {
      close();
    }
  }

  @Override
  public void tick(long nanos) {
    if (up == null && backend != null && nanos - connectDeadline > 0) {
      connectNext();
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    loop.remove(this);
    if (up != null) {
      loop.release(up.buf);
      loop.release(down.buf);
    }
    closeQuietly(client);
    if (backend != null) {
      closeQuietly(backend);
    }
    onClose.run();
  }

  private static void closeQuietly(SocketChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      // already closed
    }
  }
}
