package io.k8j.scheduler.cache;

import io.fabric8.kubernetes.api.model.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Node names grouped by zone, listed zone by zone in turn (upstream's {@code nodeTree}), so a cycle
 * that looks at only part of the nodes still sees every zone.
 */
final class NodeTree {
  private final Map<String, List<String>> tree = new HashMap<>();
  private final List<String> zones = new ArrayList<>();
  private final Map<String, String> zoneOf = new HashMap<>();
  private int numNodes;

  void add(Node n) {
    String name = n.getMetadata().getName();
    String zone = zoneKey(n);
    String old = zoneOf.get(name);
    if (old != null) {
      if (old.equals(zone)) {
        return;
      }
      remove(name);
    }
    List<String> names = tree.get(zone);
    if (names == null) {
      names = new ArrayList<>();
      tree.put(zone, names);
      zones.add(zone);
    }
    names.add(name);
    zoneOf.put(name, zone);
    numNodes++;
  }

  void remove(String name) {
    String zone = zoneOf.remove(name);
    if (zone == null) {
      return;
    }
    List<String> names = tree.get(zone);
    names.remove(name);
    if (names.isEmpty()) {
      tree.remove(zone);
      zones.remove(zone);
    }
    numNodes--;
  }

  void update(Node n) {
    add(n);
  }

  int numNodes() {
    return numNodes;
  }

  List<String> list() {
    List<String> out = new ArrayList<>(numNodes);
    for (int i = 0; out.size() < numNodes; i++) {
      for (String z : zones) {
        List<String> names = tree.get(z);
        if (i < names.size()) {
          out.add(names.get(i));
        }
      }
    }
    return out;
  }

  /** Upstream's {@code GetZoneKey}: region and zone, or empty when the node has neither. */
  static String zoneKey(Node n) {
    Map<String, String> l = n.getMetadata().getLabels();
    if (l == null) {
      return "";
    }
    String region =
        l.getOrDefault(
            "topology.kubernetes.io/region",
            l.getOrDefault("failure-domain.beta.kubernetes.io/region", ""));
    String zone =
        l.getOrDefault(
            "topology.kubernetes.io/zone",
            l.getOrDefault("failure-domain.beta.kubernetes.io/zone", ""));
    if (region.isEmpty() && zone.isEmpty()) {
      return "";
    }
    return region + ":\u0000:" + zone;
  }
}
