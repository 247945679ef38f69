package io.k8j.dns.model;

import io.k8j.common.Clock;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * The cluster as DNS sees it: Services by name, ready EndpointSlice addresses by Service, existing
 * Namespaces, and IPs back to names. Readers (one per query, many at once) never lock and see
 * immutable values; writers (the informers' handlers) are serialized by this object's lock and
 * replace values whole.
 */
public final class ClusterRecords {
  /** Who answers a PTR query for an IP: a Service by its cluster IP, or one of its endpoints. */
  public record ReverseEntry(String namespace, String service, String hostname) {}

  private final Clock clock;
  private final Map<String, ServiceEntry> services = new ConcurrentHashMap<>();
  private final Map<String, SliceEntry> slicesByName = new ConcurrentHashMap<>();
  private final Map<String, List<SliceEntry>> slicesByService = new ConcurrentHashMap<>();
  private final Set<String> namespaces = ConcurrentHashMap.newKeySet();
  private final Map<InetAddress, List<ReverseEntry>> clusterIpOwners = new ConcurrentHashMap<>();
  private final Map<InetAddress, List<ReverseEntry>> endpointOwners = new ConcurrentHashMap<>();
  private volatile long modifiedSeconds;
  private volatile BooleanSupplier synced = () -> true;

  public ClusterRecords(Clock clock) {
    this.clock = clock;
    this.modifiedSeconds = clock.now().getEpochSecond();
  }

  // ---- reads

  public boolean namespaceExists(String namespace) {
    return namespaces.contains(namespace);
  }

  /** The Service, or null. */
  public ServiceEntry service(String namespace, String name) {
    return services.get(key(namespace, name));
  }

  /** The Service's slices (with IP addresses), none when it has none. */
  public List<SliceEntry> slices(String namespace, String service) {
    return slicesByService.getOrDefault(key(namespace, service), List.of());
  }

  /** Services with this cluster IP. */
  public List<ReverseEntry> clusterIpOwners(InetAddress ip) {
    return clusterIpOwners.getOrDefault(ip, List.of());
  }

  /** Ready endpoints with this address, with the Service they serve. */
  public List<ReverseEntry> endpointOwners(InetAddress ip) {
    return endpointOwners.getOrDefault(ip, List.of());
  }

  /** When anything last changed, in seconds since the epoch: the zone's SOA serial. */
  public long modifiedSeconds() {
    return modifiedSeconds;
  }

  /** Whether every informer feeding these records has loaded its first list. */
  public boolean synced() {
    return synced.getAsBoolean();
  }

  public void syncedWhen(BooleanSupplier synced) {
    this.synced = synced;
  }

  // ---- writes

  public synchronized void putNamespace(String name) {
    if (namespaces.add(name)) {
      touch();
    }
  }

  public synchronized void removeNamespace(String name) {
    if (namespaces.remove(name)) {
      touch();
    }
  }

  public synchronized void putService(ServiceEntry service) {
    String key = key(service.namespace(), service.name());
    ServiceEntry old = services.put(key, service);
    if (old != null) {
      unindexClusterIps(old);
    }
    ReverseEntry owner = new ReverseEntry(service.namespace(), service.name(), null);
    for (InetAddress ip : service.clusterIps()) {
      clusterIpOwners.put(ip, with(clusterIpOwners.get(ip), owner));
    }
    touch();
  }

  public synchronized void removeService(String namespace, String name) {
    ServiceEntry old = services.remove(key(namespace, name));
    if (old != null) {
      unindexClusterIps(old);
      touch();
    }
  }

  public synchronized void putSlice(SliceEntry slice) {
    removeSliceLocked(slice.namespace(), slice.name());
    slicesByName.put(key(slice.namespace(), slice.name()), slice);
    String serviceKey = key(slice.namespace(), slice.serviceName());
    List<SliceEntry> list = new ArrayList<>(slicesByService.getOrDefault(serviceKey, List.of()));
    list.add(slice);
    slicesByService.put(serviceKey, List.copyOf(list));
    for (SliceEntry.Address a : slice.ready()) {
      ReverseEntry owner = new ReverseEntry(slice.namespace(), slice.serviceName(), a.hostname());
      endpointOwners.put(a.ip(), with(endpointOwners.get(a.ip()), owner));
    }
    touch();
  }

  public synchronized void removeSlice(String namespace, String name) {
    if (removeSliceLocked(namespace, name)) {
      touch();
    }
  }

  private boolean removeSliceLocked(String namespace, String name) {
    SliceEntry old = slicesByName.remove(key(namespace, name));
    if (old == null) {
      return false;
    }
    String serviceKey = key(namespace, old.serviceName());
    List<SliceEntry> rest =
        slicesByService.getOrDefault(serviceKey, List.of()).stream()
            .filter(s -> !s.name().equals(name))
            .toList();
    if (rest.isEmpty()) {
      slicesByService.remove(serviceKey);
    } else {
      slicesByService.put(serviceKey, rest);
    }
    for (SliceEntry.Address a : old.ready()) {
      ReverseEntry owner = new ReverseEntry(namespace, old.serviceName(), a.hostname());
      endpointOwners.compute(a.ip(), (ip, owners) -> without(owners, owner));
    }
    return true;
  }

  private void unindexClusterIps(ServiceEntry old) {
    ReverseEntry owner = new ReverseEntry(old.namespace(), old.name(), null);
    for (InetAddress ip : old.clusterIps()) {
      clusterIpOwners.compute(ip, (k, owners) -> without(owners, owner));
    }
  }

  private void touch() {
    modifiedSeconds = clock.now().getEpochSecond();
  }

  private static List<ReverseEntry> with(List<ReverseEntry> owners, ReverseEntry owner) {
    if (owners == null) {
      return List.of(owner);
    }
    List<ReverseEntry> list = new ArrayList<>(owners);
    list.add(owner);
    return List.copyOf(list);
  }

  /** The owners less one occurrence of {@code owner}; null (no mapping) when none is left. */
  private static List<ReverseEntry> without(List<ReverseEntry> owners, ReverseEntry owner) {
    if (owners == null) {
      return null;
    }
    List<ReverseEntry> list = new ArrayList<>(owners);
    list.remove(owner);
    return list.isEmpty() ? null : List.copyOf(list);
  }

  private static String key(String namespace, String name) {
    return namespace + '/' + name;
  }
}
