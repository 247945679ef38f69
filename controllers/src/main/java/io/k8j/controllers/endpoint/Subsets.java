package io.k8j.controllers.endpoint;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Upstream's {@code RepackSubsets}: one subset per distinct set of addresses sharing the same
 * ports, addresses that are not ready on any port listed as not ready, everything sorted so that
 * equal content gives equal objects.
 */
final class Subsets {
  private Subsets() {}

  private record PortKey(String name, int port, String protocol, String appProtocol) {
    static PortKey of(EndpointPort p) {
      return new PortKey(
          p.getName(), p.getPort() == null ? -1 : p.getPort(), p.getProtocol(), p.getAppProtocol());
    }

    EndpointPort toPort() {
      EndpointPort p = new EndpointPort();
      p.setName(name);
      p.setPort(port);
      p.setProtocol(protocol);
      p.setAppProtocol(appProtocol);
      return p;
    }
  }

  private static String addressKey(EndpointAddress a) {
    return a.getIp() + "/" + (a.getTargetRef() == null ? "" : a.getTargetRef().getUid());
  }

  private static final Comparator<EndpointAddress> BY_ADDRESS =
      Comparator.comparing(EndpointAddress::getIp)
          .thenComparing(
              a -> a.getTargetRef() == null ? "" : Objects.toString(a.getTargetRef().getUid(), ""));

  private static final Comparator<EndpointPort> BY_PORT =
      Comparator.comparing((EndpointPort p) -> Objects.toString(p.getName(), ""))
          .thenComparing(p -> p.getPort() == null ? -1 : p.getPort())
          .thenComparing(p -> Objects.toString(p.getProtocol(), ""));

  static List<EndpointSubset> repack(List<EndpointSubset> subsets) {
    Map<String, EndpointAddress> allAddresses = new LinkedHashMap<>();
    Map<PortKey, Map<String, Boolean>> portToReady = new LinkedHashMap<>();
    for (EndpointSubset s : subsets) {
      List<PortKey> ports = new ArrayList<>();
      if (s.getPorts() == null || s.getPorts().isEmpty()) {
        ports.add(new PortKey(null, -1, null, null));
      } else {
        s.getPorts().forEach(p -> ports.add(PortKey.of(p)));
      }
      for (PortKey port : ports) {
        Map<String, Boolean> set = portToReady.computeIfAbsent(port, k -> new LinkedHashMap<>());
        for (EndpointAddress a : nonNull(s.getAddresses())) {
          allAddresses.putIfAbsent(addressKey(a), a);
          set.merge(addressKey(a), true, (was, now) -> was && now);
        }
        for (EndpointAddress a : nonNull(s.getNotReadyAddresses())) {
          allAddresses.putIfAbsent(addressKey(a), a);
          set.merge(addressKey(a), false, (was, now) -> was && now);
        }
      }
    }
    Map<String, Map<String, Boolean>> keyToAddresses = new TreeMap<>();
    Map<String, List<EndpointPort>> keyToPorts = new TreeMap<>();
    for (var e : portToReady.entrySet()) {
      String key = new TreeMap<>(e.getValue()).toString();
      keyToAddresses.put(key, e.getValue());
      List<EndpointPort> ports = keyToPorts.computeIfAbsent(key, k -> new ArrayList<>());
      if (e.getKey().port() > 0) {
        ports.add(e.getKey().toPort());
      }
    }
    List<EndpointSubset> out = new ArrayList<>();
    for (var e : keyToPorts.entrySet()) {
      List<EndpointAddress> ready = new ArrayList<>();
      List<EndpointAddress> notReady = new ArrayList<>();
      keyToAddresses
          .get(e.getKey())
          .forEach((k, isReady) -> (isReady ? ready : notReady).add(allAddresses.get(k)));
      ready.sort(BY_ADDRESS);
      notReady.sort(BY_ADDRESS);
      List<EndpointPort> ports = new ArrayList<>(e.getValue());
      ports.sort(BY_PORT);
      EndpointSubset s = new EndpointSubset();
      s.setAddresses(ready);
      s.setNotReadyAddresses(notReady);
      s.setPorts(ports);
      out.add(s);
    }
    out.sort(Comparator.comparing(Subsets::sortKey));
    return out;
  }

  private static String sortKey(EndpointSubset s) {
    EndpointAddress first =
        !s.getAddresses().isEmpty()
            ? s.getAddresses().get(0)
            : s.getNotReadyAddresses().isEmpty() ? null : s.getNotReadyAddresses().get(0);
    return (first == null ? "" : addressKey(first)) + "|" + s.getPorts();
  }

  private static <E> List<E> nonNull(List<E> l) {
    return l == null ? List.of() : l;
  }
}
