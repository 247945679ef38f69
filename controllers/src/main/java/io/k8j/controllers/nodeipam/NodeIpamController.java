package io.k8j.controllers.nodeipam;

import io.fabric8.kubernetes.api.model.Node;
import io.k8j.client.Controller;
import io.k8j.client.EventHandlers;
import io.k8j.client.Informer;
import io.k8j.client.InformerFactory;
import io.k8j.client.Lister;
import io.k8j.client.ObjectWriter;
import io.k8j.client.events.EventRecorder;
import io.k8j.client.queue.WorkQueue;
import io.k8j.common.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives each Node without one a pod range ({@code spec.podCIDR} and {@code spec.podCIDRs}) out of
 * the cluster CIDR, as upstream's range allocator ({@code --allocate-node-cidrs}, {@code
 * --cluster-cidr}, {@code --node-cidr-mask-size}). Ranges nodes already have are marked taken
 * before anything is handed out, and a deleted node's range is freed. The kubelet builds its CNI
 * bridge on the range; the nodes route to each other's ranges.
 */
public final class NodeIpamController implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeIpamController.class);

  private final Lister<Node> nodes;
  private final ObjectWriter writer;
  private final EventRecorder events;
  private final WorkQueue<String> queue;
  private final Controller controller;
  private final CidrSet cidrs;

  /** The range each node holds as far as this controller knows, by node name. */
  private final Map<String, String> assigned = new HashMap<>();

  private boolean occupiedExisting;

  public NodeIpamController(
      InformerFactory informers,
      ObjectWriter writer,
      EventRecorder events,
      Clock clock,
      String clusterCidr,
      int nodeCidrMaskSize) {
    this.cidrs = new CidrSet(clusterCidr, nodeCidrMaskSize);
    Informer<Node> nodeInformer = informers.forType(Node.class);
    this.nodes = nodeInformer.lister();
    this.writer = writer;
    this.events = events;
    this.queue = WorkQueue.forController(clock);
    this.controller =
        new Controller("node-ipam-controller", queue, this::sync, List.of(nodeInformer));
    nodeInformer.addEventHandler(
        EventHandlers.of(
            node -> queue.add(node.getMetadata().getName()),
            (old, cur) -> {
              if (podCidr(cur) == null || !podCidr(cur).equals(podCidr(old))) {
                queue.add(cur.getMetadata().getName());
              }
            },
            node -> queue.add(node.getMetadata().getName())));
  }

  /** Starts one worker: allocation is serial, as upstream's. */
  public void start() {
    controller.start(1);
  }

  @Override
  public void close() {
    controller.close();
  }

  synchronized void sync(String name) {
    if (!occupiedExisting) {
      for (Node n : nodes.list()) {
        take(n.getMetadata().getName(), podCidr(n));
      }
      occupiedExisting = true;
    }
    Node node = nodes.get(name);
    if (node == null) {
      String freed = assigned.remove(name);
      if (freed != null) {
        cidrs.release(freed);
        LOG.info("node {} is gone: pod CIDR {} released", name, freed);
      }
      return;
    }
    String existing = podCidr(node);
    if (existing != null) {
      take(name, existing);
      return;
    }
    String previous = assigned.remove(name);
    if (previous != null) {
      cidrs.release(previous);
    }
    String cidr = cidrs.allocate();
    if (cidr == null) {
      events.event(
          node, "Normal", "CIDRNotAvailable", "Node " + name + " status is now: CIDRNotAvailable");
      LOG.warn("node {}: no pod CIDR left in the cluster CIDR", name);
      return;
    }
    try {
      writer.patch(
          node, "{\"spec\":{\"podCIDR\":\"" + cidr + "\",\"podCIDRs\":[\"" + cidr + "\"]}}");
    } catch (RuntimeException e) {
      cidrs.release(cidr);
      events.event(
          node,
          "Warning",
          "CIDRAssignmentFailed",
          "Node " + name + " status is now: CIDRAssignmentFailed");
      throw e;
    }
    assigned.put(name, cidr);
    LOG.info("node {}: pod CIDR {} assigned", name, cidr);
  }

  /** Records that {@code name} holds {@code cidr}, freeing what it held before. */
  private void take(String name, String cidr) {
    if (cidr == null) {
      return;
    }
    String before = assigned.put(name, cidr);
    if (before != null && !before.equals(cidr)) {
      cidrs.release(before);
    }
    if (!cidrs.occupy(cidr)) {
      LOG.debug("node {} has pod CIDR {}, outside the cluster CIDR", name, cidr);
    }
  }

  private static String podCidr(Node n) {
    return n.getSpec() == null ? null : n.getSpec().getPodCIDR();
  }
}
