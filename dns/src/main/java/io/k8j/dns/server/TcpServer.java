package io.k8j.dns.server;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Message;

/**
 * DNS over TCP (RFC 7766): one virtual thread per connection, at most {@code maxConnections} at
 * once (more are closed at once); each connection answers its length-prefixed queries in order and
 * is closed after {@code idleTimeout} without one.
 */
public final class TcpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TcpServer.class);

  private final ServerSocket socket;
  private final QueryHandler handler;
  private final Semaphore connections;
  private final int idleMillis;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private Thread acceptor;
  private volatile boolean closed;

  public TcpServer(
      InetSocketAddress address, QueryHandler handler, int maxConnections, Duration idleTimeout)
      throws IOException {
    this.socket = new ServerSocket();
    this.socket.setReuseAddress(true);
    this.socket.bind(address, 128);
    this.handler = handler;
    this.connections = new Semaphore(maxConnections);
    this.idleMillis = (int) idleTimeout.toMillis();
  }

  public InetSocketAddress localAddress() {
    return (InetSocketAddress) socket.getLocalSocketAddress();
  }

  public void start() {
    acceptor = Thread.ofVirtual().name("dns-tcp-accept").start(this::acceptLoop);
  }

  private void acceptLoop() {
    while (!closed) {
      Socket s;
      try {
        s = socket.accept();
      } catch (IOException e) {
        if (!closed) {
          LOG.debug("tcp accept: {}", e.toString());
          pause();
        }
        continue;
      }
      if (!connections.tryAcquire()) {
        closeQuietly(s);
        continue;
      }
      open.add(s);
      Thread.ofVirtual()
          .name("dns-tcp")
          .start(
              () -> {
                try {
                  serve(s);
                } finally {
                  open.remove(s);
                  closeQuietly(s);
                  connections.release();
                }
              });
    }
  }

  private void serve(Socket s) {
    try {
      s.setSoTimeout(idleMillis);
      s.setTcpNoDelay(true);
      DataInputStream in = new DataInputStream(s.getInputStream());
      OutputStream out = s.getOutputStream();
      while (!closed) {
        int length;
        try {
          length = in.readUnsignedShort();
        } catch (EOFException | SocketTimeoutException e) {
          return;
        }
        byte[] wire = new byte[length];
        in.readFully(wire);
        long start = System.nanoTime();
        Message query = QueryHandler.parse(wire, length);
        if (query == null) {
          return;
        }
        byte[] response =
            QueryHandler.toWire(handler.answer(query, true, "tcp", start), query, false);
        byte[] framed = new byte[response.length + 2];
        framed[0] = (byte) (response.length >>> 8);
        framed[1] = (byte) response.length;
        System.arraycopy(response, 0, framed, 2, response.length);
        out.write(framed);
        out.flush();
      }
    } catch (SocketException | EOFException | SocketTimeoutException e) {
      // the client went away or fell silent mid-message
    } catch (IOException | RuntimeException e) {
      if (!closed) {
        LOG.debug("tcp connection {}: {}", s.getRemoteSocketAddress(), e.toString());
      }
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    socket.close();
    open.forEach(TcpServer::closeQuietly);
    if (acceptor != null) {
      try {
        acceptor.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** After a failed accept (say, out of file descriptors): not a busy loop. */
  private static void pause() {
    try {
      Thread.sleep(10);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
