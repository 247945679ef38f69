package io.k8j.proxy.userspace;

import io.k8j.common.Clock;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Chooses an endpoint for each new connection of one service port, round robin, as upstream's
 * userspace {@code LoadBalancerRR}; with {@code sessionAffinity: ClientIP} a client keeps its
 * endpoint while it has used it within the affinity timeout and the endpoint remains.
 */
final class RoundRobin {
  private record Affinity(InetSocketAddress endpoint, long lastUsedNanos) {}

  private final Clock clock;
  private List<InetSocketAddress> endpoints = List.of();
  private boolean affinity;
  private long affinityNanos;
  private int next;
  private final Map<InetAddress, Affinity> affinities = new HashMap<>();

  RoundRobin(Clock clock) {
    this.clock = clock;
  }

  /** Replaces the endpoints; affinities to endpoints that are gone are forgotten. */
  synchronized void update(List<InetSocketAddress> endpoints, boolean affinity, Duration timeout) {
    if (!endpoints.equals(this.endpoints)) {
      this.endpoints = List.copyOf(endpoints);
      next = endpoints.isEmpty() ? 0 : next % endpoints.size();
    }
    this.affinity = affinity;
    this.affinityNanos = timeout.toNanos();
    Iterator<Affinity> it = affinities.values().iterator();
    while (it.hasNext()) {
      Affinity a = it.next();
      if (!affinity || !this.endpoints.contains(a.endpoint())) {
        it.remove();
      }
    }
  }

  /** The endpoint for a new connection from {@code client}; null when there is none. */
  synchronized InetSocketAddress next(InetAddress client) {
    if (endpoints.isEmpty()) {
      return null;
    }
    long now = clock.nanoTime();
    if (affinity) {
      Affinity a = affinities.get(client);
      if (a != null && now - a.lastUsedNanos() <= affinityNanos) {
        affinities.put(client, new Affinity(a.endpoint(), now));
        return a.endpoint();
      }
    }
    InetSocketAddress chosen = endpoints.get(next);
    next = (next + 1) % endpoints.size();
    if (affinity) {
      affinities.put(client, new Affinity(chosen, now));
    }
    return chosen;
  }

  /** The client could not reach its endpoint: its next connection picks afresh. */
  synchronized void failed(InetAddress client) {
    affinities.remove(client);
  }

  synchronized int size() {
    return endpoints.size();
  }
}
