package io.k8j.proxy.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * Everything a proxy mode routes at one moment: the service ports, in a stable order, and the
 * endpoints of each (sorted by {@code ip:port}). Immutable; two states compare by value, so a mode
 * can find what changed since the state it applied last.
 */
public final class ProxyState {
  public static final ProxyState EMPTY = new ProxyState(new TreeMap<>(), Map.of());

  private final NavigableMap<ServicePortName, ServicePortInfo> services;
  private final Map<ServicePortName, List<Endpoint>> endpoints;

  public ProxyState(
      Map<ServicePortName, ServicePortInfo> services,
      Map<ServicePortName, List<Endpoint>> endpoints) {
    this.services = Collections.unmodifiableNavigableMap(new TreeMap<>(services));
    Map<ServicePortName, List<Endpoint>> eps = new HashMap<>();
    endpoints.forEach(
        (k, v) -> {
          List<Endpoint> sorted = new ArrayList<>(v);
          sorted.sort(java.util.Comparator.comparing(Endpoint::toString));
          eps.put(k, List.copyOf(sorted));
        });
    this.endpoints = Collections.unmodifiableMap(eps);
  }

  public NavigableMap<ServicePortName, ServicePortInfo> services() {
    return services;
  }

  /** The endpoints of this service port, sorted by {@code ip:port}; empty when it has none. */
  public List<Endpoint> endpoints(ServicePortName name) {
    return endpoints.getOrDefault(name, List.of());
  }

  public int endpointCount() {
    int n = 0;
    for (ServicePortName name : services.keySet()) {
      n += endpoints(name).size();
    }
    return n;
  }

  /**
   * The keys ({@code namespace/name}) of the Services whose ports or endpoints differ between
   * {@code previous} and this state, including Services only one of them has.
   */
  public Set<String> changedServices(ProxyState previous) {
    Map<String, List<Object>> mine = byService();
    Map<String, List<Object>> theirs = previous.byService();
    Set<String> changed = new HashSet<>();
    Set<String> keys = new HashSet<>(mine.keySet());
    keys.addAll(theirs.keySet());
    for (String key : keys) {
      if (!java.util.Objects.equals(mine.get(key), theirs.get(key))) {
        changed.add(key);
      }
    }
    return changed;
  }

  private Map<String, List<Object>> byService() {
    Map<String, List<Object>> out = new HashMap<>();
    services.forEach(
        (name, info) -> {
          List<Object> parts = out.computeIfAbsent(name.serviceKey(), k -> new ArrayList<>());
          parts.add(info);
          parts.add(endpoints(name));
        });
    return out;
  }
}
