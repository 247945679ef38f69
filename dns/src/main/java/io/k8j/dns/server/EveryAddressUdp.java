package io.k8j.dns.server;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * UDP on "every address" done right: one {@link UdpServer} per local IPv4 address rather than one
 * socket on 0.0.0.0, so that each answer leaves from the address its query was sent to. A socket on
 * 0.0.0.0 answers from whatever address the route back picks, and a query that the service proxy
 * DNATed from the cluster DNS IP to this node's address would get its answer from, say, the pod
 * bridge's address: conntrack cannot undo the DNAT and the pod's resolver drops it. Addresses that
 * appear later (a bridge, a new link) are bound within {@value #RESCAN_SECONDS} s.
 */
public final class EveryAddressUdp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EveryAddressUdp.class);
  static final long RESCAN_SECONDS = 2;

  private final int port;
  private final QueryHandler handler;
  private final ExecutorService waiting;
  private final int maxWaiting;
  private final int readers;
  private final Map<InetAddress, UdpServer> servers = new LinkedHashMap<>();
  private final ScheduledExecutorService rescans =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().daemon().name("dns-udp-rescan").unstarted(r));
  private volatile boolean closed;

  /** Binds every current IPv4 address on {@code port} (not 0); fails if loopback cannot be. */
  public EveryAddressUdp(
      int port, QueryHandler handler, ExecutorService waiting, int maxWaiting, int readers)
      throws IOException {
    this.port = port;
    this.handler = handler;
    this.waiting = waiting;
    this.maxWaiting = maxWaiting;
    this.readers = readers;
    UdpServer lo =
        new UdpServer(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
            handler,
            waiting,
            maxWaiting);
    servers.put(InetAddress.getLoopbackAddress(), lo);
    rescan(false);
  }

  public void start() {
    synchronized (this) {
      servers.values().forEach(s -> s.start(readers));
    }
    rescans.scheduleWithFixedDelay(
        () -> rescan(true), RESCAN_SECONDS, RESCAN_SECONDS, TimeUnit.SECONDS);
  }

  /** The addresses bound now. */
  public synchronized List<InetAddress> addresses() {
    return new ArrayList<>(servers.keySet());
  }

  private synchronized void rescan(boolean start) {
    if (closed) {
      return;
    }
    for (InetAddress a : localIpv4()) {
      if (servers.containsKey(a)) {
        continue;
      }
      try {
        UdpServer s = new UdpServer(new InetSocketAddress(a, port), handler, waiting, maxWaiting);
        servers.put(a, s);
        if (start) {
          s.start(readers);
        }
        LOG.info("cluster DNS answering on {}:{} (udp)", a.getHostAddress(), port);
      } catch (IOException e) {
        LOG.debug("cannot bind {}:{} (udp): {}", a.getHostAddress(), port, e.toString());
      }
    }
  }

  private static List<InetAddress> localIpv4() {
    List<InetAddress> out = new ArrayList<>();
    try {
      for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nif.isUp()) {
          continue;
        }
        for (InetAddress a : Collections.list(nif.getInetAddresses())) {
          if (a instanceof Inet4Address) {
            out.add(a);
          }
        }
      }
    } catch (SocketException e) {
      LOG.debug("listing local addresses: {}", e.toString());
    }
    return out;
  }

  @Override
  public void close() throws IOException {
    rescans.shutdownNow();
    synchronized (this) {
      closed = true;
      for (UdpServer s : servers.values()) {
        s.close();
      }
      servers.clear();
    }
  }
}
