package io.k8j.proxy.userspace;

import io.k8j.common.Clock;
import io.k8j.proxy.model.Endpoint;
import io.k8j.proxy.model.EndpointCategories;
import io.k8j.proxy.model.Proxier;
import io.k8j.proxy.model.ProxyState;
import io.k8j.proxy.model.ServicePortInfo;
import io.k8j.proxy.model.ServicePortName;
import io.k8j.proxy.model.SyncSummary;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes services through sockets in this process; needs no iptables and no root. For each TCP or
 * UDP service port it listens on:
 *
 * <ul>
 *   <li>{@code clusterIpAddress:port} (default {@code 127.0.0.1}) in place of the cluster IP, and
 *       on the cluster IP itself if it is an address of this host;
 *   <li>every node address (and {@code 127.0.0.1}) at the node port;
 *   <li>each load-balancer ingress IP and external IP that is an address of this host, at the port.
 * </ul>
 *
 * Traffic to the cluster IP from anywhere else is not routed (that needs kernel rules). Without
 * root ports below 1024 cannot be bound (unless {@code net.ipv4.ip_unprivileged_port_start}
 * allows). When two service ports claim the same address, port and protocol, the first in name
 * order gets it. Every failure to bind is reported in the sync summary and retried on the next
 * sync. Endpoints are chosen round robin; the client's address is not preserved (the endpoint sees
 * this host).
 */
public final class UserspaceProxier implements Proxier {
  private static final Logger LOG = LoggerFactory.getLogger(UserspaceProxier.class);

  /**
   * @param nodeAddresses the node's addresses, where node ports listen
   * @param clusterIpAddress where service ports listen in place of their cluster IP
   * @param udpIdleTimeout how long a UDP session lives without datagrams (upstream: 250 ms)
   */
  public record Config(
      List<String> nodeAddresses,
      String clusterIpAddress,
      boolean localhostNodePorts,
      Duration udpIdleTimeout,
      Duration connectTimeout,
      Clock clock) {}

  private record ListenKey(String protocol, String ip, int port) implements Comparable<ListenKey> {
    @Override
    public String toString() {
      return ip + ":" + port + "/" + protocol;
    }

    @Override
    public int compareTo(ListenKey o) {
      return toString().compareTo(o.toString());
    }
  }

  /** Traffic of one service port that one balancer serves: internal or external. */
  private record Route(ServicePortName name, boolean external) {}

  private final Config cfg;
  private final Map<ListenKey, Listener> listeners = new HashMap<>();
  private final Map<ListenKey, Route> routes = new HashMap<>();
  private final Map<ListenKey, String> failures = new TreeMap<>();
  private final Map<Route, RoundRobin> balancers = new HashMap<>();
  private final List<EventLoop> loops = new ArrayList<>();
  private ProxyState applied = ProxyState.EMPTY;

  public UserspaceProxier(Config cfg) {
    this.cfg = cfg;
  }

  /**
   * The event loops TCP connections are spread over: one per core, up to 8. One loop per two cores
   * (one loop on two cores) queues every connection behind that one thread's wake-ups. On the
   * 2-core machine (load average 10-30), with the proxy in a scheduling group of its own (as the
   * server process is), two loops served 1.2-1.9x the requests/s of one, keep-alive or new
   * connections; in one group with the client and the server, as bench proxy runs them, about the
   * same, as the group's CPU share is the limit there.
   */
  private List<EventLoop> loops() {
    if (loops.isEmpty()) {
      int n = Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors()));
      for (int i = 0; i < n; i++) {
        loops.add(new EventLoop("proxy-loop-" + i));
      }
    }
    return loops;
  }

  @Override
  public synchronized SyncSummary sync(ProxyState state, boolean full) {
    Map<ListenKey, Route> desired = new TreeMap<>();
    Map<Route, RoundRobin> wanted = new HashMap<>();
    for (ServicePortInfo svc : state.services().values()) {
      String proto = svc.name().protocol();
      if (!proto.equals("TCP") && !proto.equals("UDP")) {
        continue;
      }
      EndpointCategories cat = EndpointCategories.of(svc, state.endpoints(svc.name()));
      Route internal = new Route(svc.name(), false);
      Route external = new Route(svc.name(), true);
      balance(wanted, internal, svc, svc.internalPolicyLocal() ? cat.local() : cat.cluster());
      claim(desired, new ListenKey(proto, cfg.clusterIpAddress(), svc.port()), internal);
      if (isLocalAddress(svc.clusterIp())) {
        claim(desired, new ListenKey(proto, svc.clusterIp(), svc.port()), internal);
      }
      if (!svc.externallyAccessible()) {
        continue;
      }
      balance(wanted, external, svc, svc.externalPolicyLocal() ? cat.local() : cat.cluster());
      if (svc.nodePort() != 0) {
        for (String ip : nodePortAddresses()) {
          claim(desired, new ListenKey(proto, ip, svc.nodePort()), external);
        }
      }
      List<String> vips = new ArrayList<>(svc.loadBalancerIps());
      vips.addAll(svc.externalIps());
      for (String ip : vips) {
        if (isLocalAddress(ip)) {
          claim(desired, new ListenKey(proto, ip, svc.port()), external);
        }
      }
    }
    balancers.keySet().retainAll(wanted.keySet());
    balancers.putAll(wanted);

    int closedCount = 0;
    Iterator<Map.Entry<ListenKey, Listener>> it = listeners.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<ListenKey, Listener> e = it.next();
      if (!routes.get(e.getKey()).equals(desired.get(e.getKey()))) {
        e.getValue().close();
        routes.remove(e.getKey());
        it.remove();
        closedCount++;
      }
    }
    failures.keySet().retainAll(desired.keySet());
    int opened = 0;
    for (Map.Entry<ListenKey, Route> e : desired.entrySet()) {
      ListenKey key = e.getKey();
      if (listeners.containsKey(key)) {
        continue;
      }
      try {
        listeners.put(key, open(key, balancers.get(e.getValue())));
        routes.put(key, e.getValue());
        failures.remove(key);
        opened++;
      } catch (IOException ex) {
        String why = ex.getMessage() == null ? ex.toString() : ex.getMessage();
        if (!why.equals(failures.put(key, why))) {
          LOG.warn("cannot listen on {} for {}: {}", key, e.getValue().name(), why);
        }
      }
    }
    int changed = state.changedServices(applied).size();
    applied = state;
    String details =
        String.format(
            "listeners %d (%d opened, %d closed)%s",
            listeners.size(),
            opened,
            closedCount,
            failures.isEmpty() ? "" : ", not bound: " + failures);
    return new SyncSummary(state.services().size(), state.endpointCount(), changed, full, details);
  }

  private void balance(
      Map<Route, RoundRobin> wanted, Route route, ServicePortInfo svc, List<Endpoint> eps) {
    RoundRobin rr = balancers.getOrDefault(route, new RoundRobin(cfg.clock()));
    List<InetSocketAddress> addrs = new ArrayList<>();
    for (Endpoint e : eps) {
      addrs.add(new InetSocketAddress(e.ip(), e.port()));
    }
    rr.update(addrs, svc.clientIpAffinity(), Duration.ofSeconds(svc.stickyMaxAgeSeconds()));
    wanted.put(route, rr);
  }

  private static void claim(Map<ListenKey, Route> desired, ListenKey key, Route route) {
    Route had = desired.putIfAbsent(key, route);
    if (had != null && !had.name().equals(route.name())) {
      LOG.debug("{} wanted by {} and {}; {} keeps it", key, had.name(), route.name(), had.name());
    }
  }

  private Set<String> nodePortAddresses() {
    Set<String> out = new LinkedHashSet<>(cfg.nodeAddresses());
    if (cfg.localhostNodePorts()) {
      out.add("127.0.0.1");
    }
    return out;
  }

  private Listener open(ListenKey key, RoundRobin rr) throws IOException {
    InetSocketAddress addr = new InetSocketAddress(InetAddress.getByName(key.ip()), key.port());
    return key.protocol().equals("TCP")
        ? TcpListener.open(addr, rr, loops(), cfg.connectTimeout())
        : UdpListener.open(addr, rr, cfg.udpIdleTimeout());
  }

  /** True for loopback addresses, the node's addresses and any address of a local interface. */
  private boolean isLocalAddress(String ip) {
    if (ip == null || ip.isEmpty()) {
      return false;
    }
    if (ip.startsWith("127.") || cfg.nodeAddresses().contains(ip)) {
      return true;
    }
    try {
      return NetworkInterface.getByInetAddress(InetAddress.getByName(ip)) != null;
    } catch (UnknownHostException | SocketException e) {
      return false;
    }
  }

  @Override
  public synchronized void close() {
    listeners.values().forEach(Listener::close);
    listeners.clear();
    loops.forEach(EventLoop::close);
    loops.clear();
    routes.clear();
    balancers.clear();
    failures.clear();
    applied = ProxyState.EMPTY;
  }
}
