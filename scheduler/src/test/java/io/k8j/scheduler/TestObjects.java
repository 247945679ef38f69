package io.k8j.scheduler;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodAffinityTermBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Small builders of nodes and pods for the scheduler's tests. */
public final class TestObjects {
  private TestObjects() {}

  public static NodeMaker node(String name) {
    return new NodeMaker(name);
  }

  public static PodMaker pod(String name) {
    return new PodMaker(name);
  }

  public static LabelSelector selector(String key, String value) {
    return new LabelSelectorBuilder().withMatchLabels(Map.of(key, value)).build();
  }

  public static PodAffinityTerm term(String key, String value, String topologyKey) {
    return new PodAffinityTermBuilder()
        .withLabelSelector(selector(key, value))
        .withTopologyKey(topologyKey)
        .build();
  }

  /** A node builder: capacity and allocatable alike. */
  public static final class NodeMaker {
    private final String name;
    private final Map<String, String> labels = new HashMap<>();
    private final Map<String, Quantity> allocatable = new HashMap<>();
    private final List<Taint> taints = new ArrayList<>();
    private boolean unschedulable;

    NodeMaker(String name) {
      this.name = name;
      labels.put("kubernetes.io/hostname", name);
      allocatable.put("cpu", new Quantity("4"));
      allocatable.put("memory", new Quantity("32Gi"));
      allocatable.put("pods", new Quantity("110"));
    }

    public NodeMaker cpu(String q) {
      allocatable.put("cpu", new Quantity(q));
      return this;
    }

    public NodeMaker memory(String q) {
      allocatable.put("memory", new Quantity(q));
      return this;
    }

    public NodeMaker pods(int n) {
      allocatable.put("pods", new Quantity(Integer.toString(n)));
      return this;
    }

    public NodeMaker resource(String name, String q) {
      allocatable.put(name, new Quantity(q));
      return this;
    }

    public NodeMaker label(String k, String v) {
      labels.put(k, v);
      return this;
    }

    public NodeMaker zone(String zone) {
      return label("topology.kubernetes.io/zone", zone);
    }

    public NodeMaker taint(String key, String value, String effect) {
      taints.add(new TaintBuilder().withKey(key).withValue(value).withEffect(effect).build());
      return this;
    }

    public NodeMaker unschedulable() {
      unschedulable = true;
      return this;
    }

    public Node build() {
      return new NodeBuilder()
          .withNewMetadata()
          .withName(name)
          .withLabels(labels)
          .endMetadata()
          .withNewSpec()
          .withTaints(taints)
          .withUnschedulable(unschedulable ? true : null)
          .endSpec()
          .withNewStatus()
          .withCapacity(allocatable)
          .withAllocatable(allocatable)
          .endStatus()
          .build();
    }
  }

  /** A pod builder: one container unless told otherwise. */
  public static final class PodMaker {
    private final PodBuilder b;
    private final Map<String, Quantity> requests = new HashMap<>();
    private final List<Container> initContainers = new ArrayList<>();
    private final List<Toleration> tolerations = new ArrayList<>();
    private final List<PodAffinityTerm> antiAffinity = new ArrayList<>();
    private final List<PodAffinityTerm> affinity = new ArrayList<>();
    private final List<TopologySpreadConstraint> spread = new ArrayList<>();
    private final Map<String, String> labels = new HashMap<>();
    private Integer hostPort;
    private String image = "registry.k8s.io/pause:3.10";

    PodMaker(String name) {
      b =
          new PodBuilder()
              .withNewMetadata()
              .withName(name)
              .withNamespace("default")
              .withUid(UUID.randomUUID().toString())
              .endMetadata()
              .withNewSpec()
              .endSpec();
    }

    public PodMaker namespace(String ns) {
      b.editMetadata().withNamespace(ns).endMetadata();
      return this;
    }

    public PodMaker cpu(String q) {
      requests.put("cpu", new Quantity(q));
      return this;
    }

    public PodMaker memory(String q) {
      requests.put("memory", new Quantity(q));
      return this;
    }

    public PodMaker request(String name, String q) {
      requests.put(name, new Quantity(q));
      return this;
    }

    public PodMaker image(String i) {
      image = i;
      return this;
    }

    public PodMaker label(String k, String v) {
      labels.put(k, v);
      return this;
    }

    public PodMaker priority(int p) {
      b.editSpec().withPriority(p).endSpec();
      return this;
    }

    /** A pod of this PriorityClass: the API server's Priority admission sets its priority. */
    public PodMaker priorityClass(String name) {
      b.editSpec().withPriorityClassName(name).endSpec();
      return this;
    }

    public PodMaker node(String n) {
      b.editSpec().withNodeName(n).endSpec();
      return this;
    }

    public PodMaker nodeSelector(String k, String v) {
      b.editSpec().addToNodeSelector(k, v).endSpec();
      return this;
    }

    public PodMaker schedulerName(String s) {
      b.editSpec().withSchedulerName(s).endSpec();
      return this;
    }

    public PodMaker hostPort(int p) {
      hostPort = p;
      return this;
    }

    public PodMaker tolerate(String key, String value, String effect) {
      tolerations.add(
          new TolerationBuilder()
              .withKey(key)
              .withOperator("Equal")
              .withValue(value)
              .withEffect(effect)
              .build());
      return this;
    }

    public PodMaker initContainer(String cpu, boolean sidecar) {
      initContainers.add(
          new ContainerBuilder()
              .withName("init" + initContainers.size())
              .withImage(image)
              .withRestartPolicy(sidecar ? "Always" : null)
              .withNewResources()
              .withRequests(Map.of("cpu", new Quantity(cpu)))
              .endResources()
              .build());
      return this;
    }

    public PodMaker overhead(String cpu) {
      b.editSpec().withOverhead(Map.of("cpu", new Quantity(cpu))).endSpec();
      return this;
    }

    public PodMaker antiAffinity(String key, String value, String topologyKey) {
      antiAffinity.add(term(key, value, topologyKey));
      return this;
    }

    public PodMaker affinity(String key, String value, String topologyKey) {
      affinity.add(term(key, value, topologyKey));
      return this;
    }

    public PodMaker spread(int maxSkew, String topologyKey, String when, String key, String value) {
      spread.add(
          new TopologySpreadConstraintBuilder()
              .withMaxSkew(maxSkew)
              .withTopologyKey(topologyKey)
              .withWhenUnsatisfiable(when)
              .withLabelSelector(selector(key, value))
              .build());
      return this;
    }

    public PodMaker nominated(String node) {
      b.withNewStatus().withNominatedNodeName(node).endStatus();
      return this;
    }

    public Pod build() {
      ContainerBuilder c = new ContainerBuilder().withName("c").withImage(image);
      if (!requests.isEmpty()) {
        c.withNewResources().withRequests(requests).endResources();
      }
      if (hostPort != null) {
        c.withPorts(
            new ContainerPortBuilder().withContainerPort(80).withHostPort(hostPort).build());
      }
      b.editSpec()
          .withContainers(c.build())
          .withInitContainers(initContainers)
          .withTolerations(tolerations)
          .withTopologySpreadConstraints(spread)
          .endSpec();
      b.editMetadata().withLabels(labels).endMetadata();
      if (!affinity.isEmpty() || !antiAffinity.isEmpty()) {
        b.editSpec()
            .withNewAffinity()
            .withNewPodAffinity()
            .withRequiredDuringSchedulingIgnoredDuringExecution(affinity)
            .endPodAffinity()
            .withNewPodAntiAffinity()
            .withRequiredDuringSchedulingIgnoredDuringExecution(antiAffinity)
            .endPodAntiAffinity()
            .endAffinity()
            .endSpec();
      }
      return b.build();
    }
  }
}
