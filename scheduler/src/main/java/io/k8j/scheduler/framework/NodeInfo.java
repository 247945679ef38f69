package io.k8j.scheduler.framework;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Taint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A node and the pods on it (bound or assumed), with the sums the filters need kept up to date as
 * pods come and go, as upstream's {@code framework.NodeInfo}. The cache owns one per node and bumps
 * its {@link #generation()} on each change; a snapshot holds {@link #copy()}s, which plugins read
 * and never change (preemption changes its own copies).
 */
public final class NodeInfo {
  private Node node;
  private String name = "";
  private Map<String, String> labels = Map.of();
  private List<Taint> taints = List.of();
  private boolean unschedulable;
  private Resource allocatable = new Resource();
  private Map<String, ImageStateSummary> imageStates = Map.of();

  private List<PodInfo> pods;
  private List<PodInfo> podsWithAffinity;
  private List<PodInfo> podsWithRequiredAntiAffinity;
  private HostPortUsage usedPorts;
  private Resource requested;
  private Resource nonZeroRequested;
  private int podsWithScoringTerms;
  private long generation;

  public NodeInfo() {
    pods = new ArrayList<>();
    podsWithAffinity = new ArrayList<>();
    podsWithRequiredAntiAffinity = new ArrayList<>();
    usedPorts = new HostPortUsage();
    requested = new Resource();
    nonZeroRequested = new Resource();
  }

  /** A NodeInfo for {@code node} with {@code pods} on it (for tests and tools). */
  public static NodeInfo of(Node node, PodInfo... pods) {
    NodeInfo n = new NodeInfo();
    n.setNode(node);
    for (PodInfo p : pods) {
      n.addPod(p);
    }
    return n;
  }

  private NodeInfo(NodeInfo o) {
    node = o.node;
    name = o.name;
    labels = o.labels;
    taints = o.taints;
    unschedulable = o.unschedulable;
    allocatable = o.allocatable;
    imageStates = o.imageStates;
    pods = new ArrayList<>(o.pods);
    podsWithAffinity = new ArrayList<>(o.podsWithAffinity);
    podsWithRequiredAntiAffinity = new ArrayList<>(o.podsWithRequiredAntiAffinity);
    usedPorts = o.usedPorts.copy();
    requested = o.requested.copy();
    nonZeroRequested = o.nonZeroRequested.copy();
    podsWithScoringTerms = o.podsWithScoringTerms;
    generation = o.generation;
  }

  public NodeInfo copy() {
    return new NodeInfo(this);
  }

  /**
   * Takes over every field of {@code fresh}, a copy nobody else holds: the snapshot updates its
   * NodeInfo in place so the lists that hold it stay valid.
   */
  public void replaceWith(NodeInfo fresh) {
    node = fresh.node;
    name = fresh.name;
    labels = fresh.labels;
    taints = fresh.taints;
    unschedulable = fresh.unschedulable;
    allocatable = fresh.allocatable;
    imageStates = fresh.imageStates;
    pods = fresh.pods;
    podsWithAffinity = fresh.podsWithAffinity;
    podsWithRequiredAntiAffinity = fresh.podsWithRequiredAntiAffinity;
    usedPorts = fresh.usedPorts;
    requested = fresh.requested;
    nonZeroRequested = fresh.nonZeroRequested;
    podsWithScoringTerms = fresh.podsWithScoringTerms;
    generation = fresh.generation;
  }

  /** Sets the node object, parsing what the plugins read from it. */
  public void setNode(Node n) {
    this.node = n;
    this.name = n.getMetadata().getName();
    this.labels = n.getMetadata().getLabels() == null ? Map.of() : n.getMetadata().getLabels();
    this.taints =
        n.getSpec() == null || n.getSpec().getTaints() == null
            ? List.of()
            : List.copyOf(n.getSpec().getTaints());
    this.unschedulable = n.getSpec() != null && Boolean.TRUE.equals(n.getSpec().getUnschedulable());
    this.allocatable =
        n.getStatus() == null ? new Resource() : Resource.of(n.getStatus().getAllocatable());
  }

  /** Called by the cache, which shares the summaries between nodes. */
  public void setImageStates(Map<String, ImageStateSummary> states) {
    this.imageStates = states;
  }

  /** Clears the node object, keeping the pods (a deleted node whose pods are still known). */
  public void removeNode() {
    this.node = null;
  }

  /** The node, or null when the node is gone but some of its pods are still known. */
  public Node node() {
    return node;
  }

  public String name() {
    return name;
  }

  public Map<String, String> labels() {
    return labels;
  }

  public List<Taint> taints() {
    return taints;
  }

  public boolean unschedulable() {
    return unschedulable;
  }

  public Resource allocatable() {
    return allocatable;
  }

  public Map<String, ImageStateSummary> imageStates() {
    return imageStates;
  }

  public List<PodInfo> pods() {
    return pods;
  }

  public List<PodInfo> podsWithAffinity() {
    return podsWithAffinity;
  }

  public List<PodInfo> podsWithRequiredAntiAffinity() {
    return podsWithRequiredAntiAffinity;
  }

  /** How many pods here have terms that score other pods ({@link PodInfo#hasScoringTerms}). */
  public int podsWithScoringTerms() {
    return podsWithScoringTerms;
  }

  public HostPortUsage usedPorts() {
    return usedPorts;
  }

  /** The sum of the requests of the pods on the node. */
  public Resource requested() {
    return requested;
  }

  /** The same with upstream's defaults for pods without CPU or memory requests, for scoring. */
  public Resource nonZeroRequested() {
    return nonZeroRequested;
  }

  public long generation() {
    return generation;
  }

  public void setGeneration(long generation) {
    this.generation = generation;
  }

  public void addPod(PodInfo p) {
    pods.add(p);
    if (p.hasAffinity()) {
      podsWithAffinity.add(p);
    }
    if (!p.requiredAntiAffinityTerms().isEmpty()) {
      podsWithRequiredAntiAffinity.add(p);
    }
    if (p.hasScoringTerms()) {
      podsWithScoringTerms++;
    }
    requested.add(p.requests());
    nonZeroRequested.add(p.nonZeroRequests());
    for (PodInfo.HostPort hp : p.hostPorts()) {
      usedPorts.add(hp);
    }
  }

  /** Removes the pod with {@code p}'s UID; false when it is not on this node. */
  public boolean removePod(PodInfo p) {
    String uid = p.uid();
    PodInfo existing = null;
    for (int i = 0; i < pods.size(); i++) {
      if (pods.get(i).uid().equals(uid)) {
        existing = pods.remove(i);
        break;
      }
    }
    if (existing == null) {
      return false;
    }
    removeByUid(podsWithAffinity, uid);
    if (existing.hasScoringTerms()) {
      podsWithScoringTerms--;
    }
    removeByUid(podsWithRequiredAntiAffinity, uid);
    requested.subtract(existing.requests());
    nonZeroRequested.subtract(existing.nonZeroRequests());
    for (PodInfo.HostPort hp : existing.hostPorts()) {
      usedPorts.remove(hp);
    }
    return true;
  }

  private static void removeByUid(List<PodInfo> list, String uid) {
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i).uid().equals(uid)) {
        list.remove(i);
        return;
      }
    }
  }

  /** Map from label to value, for the topology keys of this node. */
  public String label(String key) {
    return labels.get(key);
  }

  @Override
  public String toString() {
    return name + " (" + pods.size() + " pods, requested " + requested + ")";
  }

  /** Host ports in use on a node, by IP and protocol; "0.0.0.0" conflicts with every IP. */
  public static final class HostPortUsage {
    private final Map<String, Map<Integer, Integer>> byIpProto;

    HostPortUsage() {
      byIpProto = new HashMap<>(2);
    }

    private HostPortUsage(Map<String, Map<Integer, Integer>> m) {
      byIpProto = m;
    }

    HostPortUsage copy() {
      Map<String, Map<Integer, Integer>> m = new HashMap<>(byIpProto.size() * 2);
      byIpProto.forEach((k, v) -> m.put(k, new HashMap<>(v)));
      return new HostPortUsage(m);
    }

    void add(PodInfo.HostPort hp) {
      byIpProto
          .computeIfAbsent(hp.ip() + "|" + hp.protocol(), k -> new HashMap<>())
          .merge(hp.port(), 1, Integer::sum);
    }

    void remove(PodInfo.HostPort hp) {
      String k = hp.ip() + "|" + hp.protocol();
      Map<Integer, Integer> ports = byIpProto.get(k);
      if (ports == null) {
        return;
      }
      ports.computeIfPresent(hp.port(), (p, c) -> c <= 1 ? null : c - 1);
      if (ports.isEmpty()) {
        byIpProto.remove(k);
      }
    }

    public boolean isEmpty() {
      return byIpProto.isEmpty();
    }

    /** Whether {@code hp} conflicts with a port in use, as upstream's {@code CheckConflict}. */
    public boolean conflicts(PodInfo.HostPort hp) {
      if (byIpProto.isEmpty()) {
        return false;
      }
      if ("0.0.0.0".equals(hp.ip())) {
        for (Map.Entry<String, Map<Integer, Integer>> e : byIpProto.entrySet()) {
          if (e.getKey().endsWith("|" + hp.protocol()) && e.getValue().containsKey(hp.port())) {
            return true;
          }
        }
        return false;
      }
      for (String ip : new String[] {hp.ip(), "0.0.0.0"}) {
        Map<Integer, Integer> ports = byIpProto.get(ip + "|" + hp.protocol());
        if (ports != null && ports.containsKey(hp.port())) {
          return true;
        }
      }
      return false;
    }
  }
}
