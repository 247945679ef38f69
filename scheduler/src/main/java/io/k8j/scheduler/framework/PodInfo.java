package io.k8j.scheduler.framework;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A pod with what the scheduler computes from it once (requests, affinity terms, host ports), so
 * that a cycle never parses a pod again. Immutable: a new PodInfo is made for each pod version.
 */
public final class PodInfo {
  /** A host port a container asks for. */
  public record HostPort(String ip, String protocol, int port) {}

  /** Pods of one workload share one label set, so a cycle can match it once for all of them. */
  private static final Interner<Map<String, String>> LABELS = new Interner<>(50_000);

  private final Pod pod;
  private final String namespace;
  private final String name;
  private final String uid;
  private final Map<String, String> labels;
  private final int priority;
  private final Resource requests;
  private final Resource nonZeroRequests;
  private final List<AffinityTerm> requiredAffinityTerms;
  private final List<AffinityTerm> requiredAntiAffinityTerms;
  private final List<AffinityTerm.Weighted> preferredAffinityTerms;
  private final List<AffinityTerm.Weighted> preferredAntiAffinityTerms;
  private final List<HostPort> hostPorts;
  private final String parseError;
  private final String nodeName;

  private PodInfo(Pod pod, int priority) {
    this.pod = pod;
    this.namespace =
        pod.getMetadata().getNamespace() == null ? null : pod.getMetadata().getNamespace().intern();
    this.name = pod.getMetadata().getName();
    this.uid = pod.getMetadata().getUid();
    this.labels =
        pod.getMetadata().getLabels() == null
            ? Map.of()
            : LABELS.intern(Map.copyOf(pod.getMetadata().getLabels()));
    this.priority = priority;
    this.requests = PodRequests.of(pod, false);
    this.nonZeroRequests = PodRequests.of(pod, true);
    this.hostPorts = hostPorts(pod);
    List<AffinityTerm> ra = List.of();
    List<AffinityTerm> raa = List.of();
    List<AffinityTerm.Weighted> pa = List.of();
    List<AffinityTerm.Weighted> paa = List.of();
    String err = null;
    Affinity a = pod.getSpec().getAffinity();
    if (a != null) {
      try {
        if (a.getPodAffinity() != null) {
          ra = terms(a.getPodAffinity().getRequiredDuringSchedulingIgnoredDuringExecution());
          pa = weighted(a.getPodAffinity().getPreferredDuringSchedulingIgnoredDuringExecution());
        }
        if (a.getPodAntiAffinity() != null) {
          raa = terms(a.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution());
          paa =
              weighted(a.getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution());
        }
      } catch (IllegalArgumentException e) {
        err = e.getMessage();
      }
    }
    this.requiredAffinityTerms = ra;
    this.requiredAntiAffinityTerms = raa;
    this.preferredAffinityTerms = pa;
    this.preferredAntiAffinityTerms = paa;
    this.parseError = err;
    this.nodeName = pod.getSpec().getNodeName() == null ? "" : pod.getSpec().getNodeName();
  }

  private PodInfo(PodInfo o, String nodeName) {
    this.pod = o.pod;
    this.namespace = o.namespace;
    this.name = o.name;
    this.uid = o.uid;
    this.labels = o.labels;
    this.priority = o.priority;
    this.requests = o.requests;
    this.nonZeroRequests = o.nonZeroRequests;
    this.requiredAffinityTerms = o.requiredAffinityTerms;
    this.requiredAntiAffinityTerms = o.requiredAntiAffinityTerms;
    this.preferredAffinityTerms = o.preferredAffinityTerms;
    this.preferredAntiAffinityTerms = o.preferredAntiAffinityTerms;
    this.hostPorts = o.hostPorts;
    this.parseError = o.parseError;
    this.nodeName = nodeName;
  }

  /**
   * This pod as assumed on {@code node} (the scheduler's view until the binding is seen): the same
   * pod object, with {@link #nodeName()} set.
   */
  public PodInfo withNodeName(String node) {
    return new PodInfo(this, node);
  }

  /** A PodInfo with the pod's own {@code spec.priority} (0 when unset). */
  public static PodInfo of(Pod pod) {
    Integer p = pod.getSpec().getPriority();
    return new PodInfo(pod, p == null ? 0 : p);
  }

  /** A PodInfo with a priority resolved elsewhere (from the pod's PriorityClass). */
  public static PodInfo of(Pod pod, int priority) {
    return new PodInfo(pod, priority);
  }

  private List<AffinityTerm> terms(List<PodAffinityTerm> terms) {
    if (terms == null || terms.isEmpty()) {
      return List.of();
    }
    List<AffinityTerm> out = new ArrayList<>(terms.size());
    for (PodAffinityTerm t : terms) {
      out.add(AffinityTerm.of(namespace, t));
    }
    return List.copyOf(out);
  }

  private List<AffinityTerm.Weighted> weighted(List<WeightedPodAffinityTerm> terms) {
    if (terms == null || terms.isEmpty()) {
      return List.of();
    }
    List<AffinityTerm.Weighted> out = new ArrayList<>(terms.size());
    for (WeightedPodAffinityTerm t : terms) {
      out.add(
          new AffinityTerm.Weighted(
              AffinityTerm.of(namespace, t.getPodAffinityTerm()),
              t.getWeight() == null ? 0 : t.getWeight()));
    }
    return List.copyOf(out);
  }

  private static List<HostPort> hostPorts(Pod pod) {
    List<HostPort> out = null;
    for (Container c : containersWithPorts(pod)) {
      if (c.getPorts() == null) {
        continue;
      }
      for (ContainerPort p : c.getPorts()) {
        if (p.getHostPort() == null || p.getHostPort() <= 0) {
          continue;
        }
        if (out == null) {
          out = new ArrayList<>(2);
        }
        String ip = p.getHostIP() == null || p.getHostIP().isEmpty() ? "0.0.0.0" : p.getHostIP();
        String proto =
            p.getProtocol() == null || p.getProtocol().isEmpty() ? "TCP" : p.getProtocol();
        out.add(new HostPort(ip, proto, p.getHostPort()));
      }
    }
    return out == null ? List.of() : List.copyOf(out);
  }

  private static List<Container> containersWithPorts(Pod pod) {
    List<Container> out = new ArrayList<>();
    if (pod.getSpec().getInitContainers() != null) {
      for (Container c : pod.getSpec().getInitContainers()) {
        if ("Always".equals(c.getRestartPolicy())) {
          out.add(c);
        }
      }
    }
    if (pod.getSpec().getContainers() != null) {
      out.addAll(pod.getSpec().getContainers());
    }
    return out;
  }

  public Pod pod() {
    return pod;
  }

  public String namespace() {
    return namespace;
  }

  public String name() {
    return name;
  }

  public String uid() {
    return uid;
  }

  /** {@code namespace/name}. */
  public String key() {
    return namespace + "/" + name;
  }

  /** The pod's labels; pods with equal labels share one instance. */
  public Map<String, String> labels() {
    return labels;
  }

  public int priority() {
    return priority;
  }

  /** What NodeResourcesFit checks: containers, init containers and sidecars, plus overhead. */
  public Resource requests() {
    return requests;
  }

  /** The requests with upstream's defaults for unset CPU and memory, for scoring. */
  public Resource nonZeroRequests() {
    return nonZeroRequests;
  }

  public List<AffinityTerm> requiredAffinityTerms() {
    return requiredAffinityTerms;
  }

  public List<AffinityTerm> requiredAntiAffinityTerms() {
    return requiredAntiAffinityTerms;
  }

  public List<AffinityTerm.Weighted> preferredAffinityTerms() {
    return preferredAffinityTerms;
  }

  public List<AffinityTerm.Weighted> preferredAntiAffinityTerms() {
    return preferredAntiAffinityTerms;
  }

  public boolean hasAffinity() {
    return !requiredAffinityTerms.isEmpty()
        || !requiredAntiAffinityTerms.isEmpty()
        || !preferredAffinityTerms.isEmpty()
        || !preferredAntiAffinityTerms.isEmpty();
  }

  /**
   * Whether the pod has terms that score other pods: required affinity or preferred (anti-)affinity
   * (required anti-affinity only filters).
   */
  public boolean hasScoringTerms() {
    return !requiredAffinityTerms.isEmpty()
        || !preferredAffinityTerms.isEmpty()
        || !preferredAntiAffinityTerms.isEmpty();
  }

  public List<HostPort> hostPorts() {
    return hostPorts;
  }

  /** Why the pod's affinity could not be parsed (an invalid selector), or null. */
  public String parseError() {
    return parseError;
  }

  /** The node the pod is bound or assumed to; empty when none. */
  public String nodeName() {
    return nodeName;
  }

  public boolean isTerminating() {
    return pod.getMetadata().getDeletionTimestamp() != null;
  }

  @Override
  public String toString() {
    return key();
  }
}
