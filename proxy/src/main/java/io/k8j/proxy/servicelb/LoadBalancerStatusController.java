package io.k8j.proxy.servicelb;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.LoadBalancerStatus;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceStatus;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.k8j.client.Controller;
import io.k8j.client.DeepCopy;
import io.k8j.client.Informer;
import io.k8j.client.Keys;
import io.k8j.client.ObjectWriter;
import io.k8j.client.queue.WorkQueue;
import io.k8j.common.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@code status.loadBalancer.ingress} of LoadBalancer Services, as k3s's ServiceLB: one
 * entry per address of each Ready node (its ExternalIP addresses, else its InternalIP ones),
 * sorted. A node whose Node object does not exist yet counts with the addresses it was started
 * with. A Service that stops being a LoadBalancer (or gets a {@code loadBalancerClass}) has the
 * ingress it was given removed. Every proxy computes the same addresses, so several nodes writing
 * agree.
 */
public final class LoadBalancerStatusController implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LoadBalancerStatusController.class);

  private final Informer<Service> services;
  private final Informer<Node> nodes;
  private final ObjectWriter writer;
  private final String nodeName;
  private final List<String> nodeAddresses;
  private final Controller controller;

  public LoadBalancerStatusController(
      Informer<Service> services,
      Informer<Node> nodes,
      ObjectWriter writer,
      String nodeName,
      List<String> nodeAddresses,
      Clock clock) {
    this.services = services;
    this.nodes = nodes;
    this.writer = writer;
    this.nodeName = nodeName;
    this.nodeAddresses = List.copyOf(nodeAddresses);
    WorkQueue<String> queue = WorkQueue.forController(clock);
    this.controller = new Controller("servicelb", queue, this::sync, List.of(services, nodes));
    services.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Service s) {
            queue.add(Keys.of(s));
          }

          @Override
          public void onUpdate(Service old, Service s) {
            queue.add(Keys.of(s));
          }

          @Override
          public void onDelete(Service s, boolean unknown) {}
        });
    nodes.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Node n) {
            enqueueLoadBalancers(queue);
          }

          @Override
          public void onUpdate(Node old, Node n) {
            enqueueLoadBalancers(queue);
          }

          @Override
          public void onDelete(Node n, boolean unknown) {
            enqueueLoadBalancers(queue);
          }
        });
  }

  private void enqueueLoadBalancers(WorkQueue<String> queue) {
    for (Service s : services.lister().list()) {
      if (s.getSpec() != null && "LoadBalancer".equals(s.getSpec().getType())) {
        queue.add(Keys.of(s));
      }
    }
  }

  public void start() {
    controller.start(1);
  }

  /** Brings the Service's ingress to the nodes' addresses (or clears what this wrote). */
  void sync(String key) {
    Service svc = services.lister().get(key);
    if (svc == null || svc.getSpec() == null) {
      return;
    }
    List<String> addresses = ingressAddresses();
    List<String> have = ingressIps(svc);
    List<String> want;
    if (ours(svc)) {
      want = addresses;
    } else if (!have.isEmpty() && addresses.containsAll(have)) {
      want = List.of();
    } else {
      return;
    }
    if (want.equals(have)) {
      return;
    }
    Service copy = DeepCopy.of(svc);
    if (copy.getStatus() == null) {
      copy.setStatus(new ServiceStatus());
    }
    List<LoadBalancerIngress> ingress = new ArrayList<>();
    for (String ip : want) {
      ingress.add(new LoadBalancerIngressBuilder().withIp(ip).withIpMode("VIP").build());
    }
    LoadBalancerStatus lb = new LoadBalancerStatus();
    lb.setIngress(ingress);
    copy.getStatus().setLoadBalancer(lb);
    writer.updateStatus(copy);
    LOG.info("service {}: load-balancer ingress {}", key, want);
  }

  private static boolean ours(Service svc) {
    return "LoadBalancer".equals(svc.getSpec().getType())
        && svc.getSpec().getLoadBalancerClass() == null;
  }

  /** The sorted addresses of the Ready nodes, this node's own when it has no Node object. */
  List<String> ingressAddresses() {
    TreeSet<String> out = new TreeSet<>();
    boolean self = false;
    for (Node n : nodes.lister().list()) {
      self |= nodeName.equals(n.getMetadata().getName());
      if (!ready(n) || n.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      List<String> external = addresses(n, "ExternalIP");
      out.addAll(external.isEmpty() ? addresses(n, "InternalIP") : external);
    }
    if (!self) {
      out.addAll(nodeAddresses);
    }
    return List.copyOf(out);
  }

  private static boolean ready(Node n) {
    if (n.getStatus() == null || n.getStatus().getConditions() == null) {
      return false;
    }
    for (NodeCondition c : n.getStatus().getConditions()) {
      if ("Ready".equals(c.getType())) {
        return "True".equals(c.getStatus());
      }
    }
    return false;
  }

  private static List<String> addresses(Node n, String type) {
    List<String> out = new ArrayList<>();
    if (n.getStatus() != null && n.getStatus().getAddresses() != null) {
      for (NodeAddress a : n.getStatus().getAddresses()) {
        if (type.equals(a.getType()) && a.getAddress() != null && !a.getAddress().contains(":")) {
          out.add(a.getAddress());
        }
      }
    }
    return out;
  }

  private static List<String> ingressIps(Service svc) {
    List<String> out = new ArrayList<>();
    if (svc.getStatus() != null
        && svc.getStatus().getLoadBalancer() != null
        && svc.getStatus().getLoadBalancer().getIngress() != null) {
      for (LoadBalancerIngress i : svc.getStatus().getLoadBalancer().getIngress()) {
        out.add(Objects.requireNonNullElse(i.getIp(), ""));
      }
    }
    return out;
  }

  @Override
  public void close() {
    controller.close();
  }
}
