package io.k8j.proxy.userspace;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards UDP datagrams: each client address gets a session, a socket connected to the endpoint
 * chosen for it, whose replies go back to the client from the listening address. A session ends
 * after the idle timeout without a datagram either way (upstream's {@code --udp-timeout}).
 */
final class UdpListener implements Listener {
  private static final Logger LOG = LoggerFactory.getLogger(UdpListener.class);
  private static final int MAX_DATAGRAM = 65535;

  private final DatagramSocket server;
  private final InetSocketAddress address;
  private final RoundRobin endpoints;
  private final Duration idleTimeout;
  private final Map<InetSocketAddress, Session> sessions = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private UdpListener(DatagramSocket server, RoundRobin endpoints, Duration idleTimeout) {
    this.server = server;
    this.address = (InetSocketAddress) server.getLocalSocketAddress();
    this.endpoints = endpoints;
    this.idleTimeout = idleTimeout;
  }

  /** Binds {@code address} and starts receiving; throws if the address cannot be bound. */
  static UdpListener open(InetSocketAddress address, RoundRobin endpoints, Duration idleTimeout)
      throws IOException {
    DatagramSocket server = new DatagramSocket(null);
    try {
      server.setReuseAddress(true);
      server.bind(address);
    } catch (IOException e) {
      server.close();
      throw e;
    }
    UdpListener l = new UdpListener(server, endpoints, idleTimeout);
    Thread.ofVirtual().name("proxy-udp-" + address).start(l::receiveLoop);
    return l;
  }

  @Override
  public InetSocketAddress address() {
    return address;
  }

  private void receiveLoop() {
    DatagramPacket packet = new DatagramPacket(new byte[MAX_DATAGRAM], MAX_DATAGRAM);
    while (!closed) {
      try {
        packet.setLength(MAX_DATAGRAM);
        server.receive(packet);
        InetSocketAddress client = (InetSocketAddress) packet.getSocketAddress();
        Session s = sessions.get(client);
        if (s == null) {
          s = openSession(client);
          if (s == null) {
            continue;
          }
        }
        s.send(packet);
      } catch (IOException e) {
        if (!closed) {
          LOG.debug("udp {}: {}", address, e.toString());
        }
      }
    }
  }

  private Session openSession(InetSocketAddress client) {
    InetSocketAddress ep = endpoints.next(client.getAddress());
    if (ep == null) {
      return null;
    }
    try {
      DatagramSocket backend = new DatagramSocket();
      backend.connect(ep);
      backend.setSoTimeout((int) Math.max(1, idleTimeout.toMillis()));
      Session s = new Session(client, backend);
      sessions.put(client, s);
      Thread.ofVirtual().start(s::replyLoop);
      return s;
    } catch (IOException e) {
      endpoints.failed(client.getAddress());
      LOG.debug("udp {}: endpoint {} failed: {}", address, ep, e.toString());
      return null;
    }
  }

  /** One client's datagrams to its endpoint and the endpoint's replies back. */
  private final class Session {
    private final InetSocketAddress client;
    private final DatagramSocket backend;
    private volatile long lastActive = System.nanoTime();

    Session(InetSocketAddress client, DatagramSocket backend) {
      this.client = client;
      this.backend = backend;
    }

    void send(DatagramPacket from) throws IOException {
      lastActive = System.nanoTime();
      try {
        backend.send(new DatagramPacket(from.getData(), from.getOffset(), from.getLength()));
      } catch (IOException e) {
        end();
        throw e;
      }
    }

    void replyLoop() {
      DatagramPacket reply = new DatagramPacket(new byte[MAX_DATAGRAM], MAX_DATAGRAM);
      try {
        while (!closed) {
          try {
            reply.setLength(MAX_DATAGRAM);
            backend.receive(reply);
            lastActive = System.nanoTime();
            server.send(
                new DatagramPacket(reply.getData(), reply.getOffset(), reply.getLength(), client));
          } catch (SocketTimeoutException e) {
            if (System.nanoTime() - lastActive >= idleTimeout.toNanos()) {
              return;
            }
          }
        }
      } catch (SocketException e) {
        // closed, or the endpoint answered port unreachable
        endpoints.failed(client.getAddress());
      } catch (IOException e) {
        LOG.debug("udp {}: reply to {}: {}", address, client, e.toString());
      } finally {
        end();
      }
    }

    void end() {
      sessions.remove(client, this);
      backend.close();
    }
  }

  @Override
  public void close() {
    closed = true;
    server.close();
    sessions.values().forEach(Session::end);
  }
}
