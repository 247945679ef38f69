package io.k8j.controllers.nodelifecycle;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.k8j.client.ApiErrors;
import io.k8j.client.Controller;
import io.k8j.client.DeepCopy;
import io.k8j.client.EventHandlers;
import io.k8j.client.Informer;
import io.k8j.client.InformerFactory;
import io.k8j.client.Lister;
import io.k8j.client.ObjectReader;
import io.k8j.client.ObjectWriter;
import io.k8j.client.events.EventRecorder;
import io.k8j.client.queue.WorkQueue;
import io.k8j.common.Clock;
import io.k8j.controllers.shared.PodStatuses;
import io.k8j.controllers.shared.Taints;
import io.k8j.controllers.shared.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upstream's node lifecycle controller. Every {@code monitorPeriod} it checks each node's health: a
 * node heard from neither by a new Ready heartbeat nor by a renewed Lease for {@code gracePeriod}
 * ({@code startupGracePeriod} before it ever reported) gets its Ready, MemoryPressure, DiskPressure
 * and PIDPressure conditions set to Unknown; a node not Ready is queued for the NoExecute {@code
 * not-ready} or {@code unreachable} taint, which its zone's rate limiter lets through at {@code
 * evictionRate} nodes a second (the secondary rate, or none, when a zone is mostly down; no taints
 * at all when every zone is down), and its pods are marked not ready. Node conditions are mirrored
 * as NoSchedule taints as soon as they change.
 */
public final class NodeLifecycleController implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeLifecycleController.class);
  static final String NODE_LEASE_NAMESPACE = "kube-node-lease";
  static final String POD_NODE_INDEX = "spec.nodeName";
  static final String EXCLUDE_DISRUPTION = "node.kubernetes.io/exclude-disruption";

  /** How often the NoExecute taint queues are looked at (upstream's nodeEvictionPeriod). */
  static final Duration EVICTION_PERIOD = Duration.ofMillis(100);

  /** The durations and rates of upstream's flags. */
  public record Settings(
      Duration monitorPeriod,
      Duration gracePeriod,
      Duration startupGracePeriod,
      double evictionRate,
      double secondaryEvictionRate,
      int largeClusterThreshold,
      double unhealthyZoneThreshold) {}

  private final Lister<Node> nodes;
  private final Lister<Lease> leases;
  private final Lister<Pod> pods;
  private final ObjectWriter writer;
  private final EventRecorder events;
  private final Clock clock;
  private final Settings settings;
  private final NodeTaintUpdater taints;
  private final WorkQueue<String> nodeUpdateQueue;
  private final Controller noScheduleTainter;
  private final Map<String, NodeHealth> health = new ConcurrentHashMap<>();
  private final Map<String, RateLimitedTimedQueue> zoneNoExecuteTainter = new ConcurrentHashMap<>();
  private final Map<String, ZoneState> zoneStates = new ConcurrentHashMap<>();
  private final Set<String> knownNodes = ConcurrentHashMap.newKeySet();
  private final Set<String> nodesToRetry = ConcurrentHashMap.newKeySet();
  private final List<Thread> loops = new ArrayList<>();
  private final List<Informer<?>> caches;
  private volatile boolean closed;

  public NodeLifecycleController(
      InformerFactory informers,
      ObjectReader reader,
      ObjectWriter writer,
      EventRecorder events,
      Clock clock,
      Settings settings) {
    Informer<Node> nodeInformer = informers.forType(Node.class);
    Informer<Lease> leaseInformer = informers.forType(Lease.class);
    Informer<Pod> podInformer = informers.forType(Pod.class);
    this.caches = List.of(nodeInformer, leaseInformer, podInformer);
    this.nodes = nodeInformer.lister();
    this.leases = leaseInformer.lister();
    this.pods = podInformer.lister();
    this.writer = writer;
    this.events = events;
    this.clock = clock;
    this.settings = settings;
    this.taints = new NodeTaintUpdater(reader, writer, clock);
    this.nodeUpdateQueue = WorkQueue.forController(clock);
    this.noScheduleTainter =
        new Controller(
            "node-lifecycle-controller",
            nodeUpdateQueue,
            this::syncNoScheduleTaints,
            List.of(nodeInformer, leaseInformer, podInformer));
    podInformer.addIndexer(POD_NODE_INDEX, p -> List.of(PodStatuses.nodeName(p)));
    nodeInformer.addEventHandler(
        EventHandlers.of(
            node -> nodeUpdateQueue.add(node.getMetadata().getName()),
            (old, cur) -> nodeUpdateQueue.add(cur.getMetadata().getName()),
            node -> health.remove(node.getMetadata().getName())));
  }

  public void start(int workers) {
    noScheduleTainter.start(workers);
    loops.add(
        Thread.ofVirtual()
            .name("node-lifecycle-monitor")
            .start(() -> every(settings.monitorPeriod(), this::monitorNodeHealth)));
    loops.add(
        Thread.ofVirtual()
            .name("node-lifecycle-tainter")
            .start(() -> every(EVICTION_PERIOD, this::doNoExecuteTaintingPass)));
  }

  private void every(Duration period, Runnable pass) {
    while (!closed) {
      try {
        if (noScheduleTainter.queue().isShuttingDown()) {
          return;
        }
        if (nodesSynced()) {
          pass.run();
        }
        clock.sleep(period);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.warn("node lifecycle: {}", e.toString());
      }
    }
  }

  private boolean nodesSynced() {
    return caches.stream().allMatch(Informer::hasSynced);
  }

  @Override
  public void close() {
    closed = true;
    loops.forEach(Thread::interrupt);
    noScheduleTainter.close();
  }

  WorkQueue<String> nodeUpdateQueue() {
    return nodeUpdateQueue;
  }

  void syncNoScheduleTaints(String name) {
    Node node = nodes.get(null, name);
    if (node != null) {
      taints.syncNoScheduleTaints(node);
    }
  }

  // The monitor pass.

  /** Upstream's {@code monitorNodeHealth}: one look at every node. */
  void monitorNodeHealth() {
    List<Node> all = nodes.list();
    Set<String> seen = new HashSet<>();
    for (Node node : all) {
      String name = node.getMetadata().getName();
      seen.add(name);
      if (knownNodes.add(name)) {
        events.event(
            node,
            EventRecorder.NORMAL,
            "RegisteredNode",
            "Node " + name + " event: Registered Node " + name + " in Controller");
        addTainterForZone(node);
        markNodeAsReachable(node);
      }
    }
    for (String gone : new ArrayList<>(knownNodes)) {
      if (!seen.contains(gone)) {
        knownNodes.remove(gone);
        health.remove(gone);
        zoneNoExecuteTainter.values().forEach(q -> q.remove(gone));
      }
    }
    Map<String, List<NodeCondition>> zoneConditions = new HashMap<>();
    for (Node cached : all) {
      Node node = DeepCopy.of(cached);
      String name = node.getMetadata().getName();
      Observed o;
      try {
        o = tryUpdateNodeHealth(node);
      } catch (RuntimeException e) {
        LOG.warn("node lifecycle: updating health of node {} failed: {}", name, e.toString());
        continue;
      }
      Map<String, String> labels = node.getMetadata().getLabels();
      if (labels == null || !labels.containsKey(EXCLUDE_DISRUPTION)) {
        zoneConditions
            .computeIfAbsent(ZoneState.zoneKey(node), k -> new ArrayList<>())
            .add(o.current());
      }
      if (o.current() != null) {
        processTaintBaseEviction(node, o.observed());
        boolean wasReady = "True".equals(o.observed().getStatus());
        boolean isReady = "True".equals(o.current().getStatus());
        boolean retry = nodesToRetry.contains(name);
        if (!isReady && wasReady) {
          events.event(
              node,
              EventRecorder.NORMAL,
              "NodeNotReady",
              "Node " + name + " status is now: NodeNotReady");
        }
        if ((!isReady && wasReady) || (retry && !wasReady)) {
          if (!markPodsNotReady(name)) {
            nodesToRetry.add(name);
            continue;
          }
        }
      }
      nodesToRetry.remove(name);
    }
    handleDisruption(zoneConditions, all);
  }

  /** The Ready condition as it was before this pass ({@code observed}) and as it is now. */
  record Observed(NodeCondition observed, NodeCondition current) {}

  /** Upstream's {@code tryUpdateNodeHealth}; {@code node} is a copy it may change and write. */
  Observed tryUpdateNodeHealth(Node node) {
    String name = node.getMetadata().getName();
    Instant now = clock.now();
    Instant created = Times.parse(node.getMetadata().getCreationTimestamp());
    if (created == null) {
      created = now;
    }
    NodeHealth h = health.get(name);
    NodeCondition current = condition(node, "Ready");
    NodeCondition observed;
    Duration grace;
    if (current == null) {
      observed = new NodeCondition();
      observed.setType("Ready");
      observed.setStatus("Unknown");
      observed.setLastHeartbeatTime(node.getMetadata().getCreationTimestamp());
      observed.setLastTransitionTime(node.getMetadata().getCreationTimestamp());
      grace = settings.startupGracePeriod();
      h =
          h != null
              ? new NodeHealth(
                  null, h.probeTimestamp(), h.readyTransitionTimestamp(), h.leaseRenewTime())
              : new NodeHealth(null, created, created, null);
    } else {
      observed = DeepCopy.of(current);
      grace = settings.gracePeriod();
    }
    NodeCondition saved = h == null ? null : h.readyCondition();
    Instant savedLease = h == null ? null : h.leaseRenewTime();
    if (h == null) {
      h = new NodeHealth(copy(current), now, now, null);
    } else if (saved == null && current != null) {
      h = new NodeHealth(copy(current), now, now, null);
    } else if (saved != null && current == null) {
      h = new NodeHealth(null, now, now, null);
    } else if (saved != null
        && !Objects.equals(saved.getLastHeartbeatTime(), current.getLastHeartbeatTime())) {
      Instant transition =
          Objects.equals(saved.getLastTransitionTime(), current.getLastTransitionTime())
              ? h.readyTransitionTimestamp()
              : now;
      h = new NodeHealth(copy(current), now, transition, savedLease);
    }
    Lease lease = leases.get(NODE_LEASE_NAMESPACE, name);
    Instant renew =
        lease == null || lease.getSpec() == null || lease.getSpec().getRenewTime() == null
            ? null
            : lease.getSpec().getRenewTime().toInstant();
    if (renew != null && (savedLease == null || savedLease.isBefore(renew))) {
      h = h.withLease(renew, now);
    }
    try {
      if (now.isAfter(h.probeTimestamp().plus(grace))) {
        for (String type : List.of("Ready", "MemoryPressure", "DiskPressure", "PIDPressure")) {
          NodeCondition c = condition(node, type);
          if (c == null) {
            NodeCondition n = new NodeCondition();
            n.setType(type);
            n.setStatus("Unknown");
            n.setReason("NodeStatusNeverUpdated");
            n.setMessage("Kubelet never posted node status.");
            n.setLastHeartbeatTime(node.getMetadata().getCreationTimestamp());
            n.setLastTransitionTime(Times.format(now));
            if (node.getStatus() == null) {
              node.setStatus(new io.fabric8.kubernetes.api.model.NodeStatus());
            }
            List<NodeCondition> conds =
                new ArrayList<>(
                    node.getStatus().getConditions() == null
                        ? List.of()
                        : node.getStatus().getConditions());
            conds.add(n);
            node.getStatus().setConditions(conds);
          } else if (!"Unknown".equals(c.getStatus())) {
            c.setStatus("Unknown");
            c.setReason("NodeStatusUnknown");
            c.setMessage("Kubelet stopped posting node status.");
            c.setLastTransitionTime(Times.format(now));
          }
        }
        current = condition(node, "Ready");
        if (!Objects.equals(current, observed)) {
          writer.updateStatus(node);
          h = new NodeHealth(copy(current), h.probeTimestamp(), now, h.leaseRenewTime());
        }
      }
      return new Observed(observed, current);
    } finally {
      health.put(name, h);
    }
  }

  private static NodeCondition copy(NodeCondition c) {
    return c == null ? null : DeepCopy.of(c);
  }

  static NodeCondition condition(Node node, String type) {
    if (node.getStatus() == null || node.getStatus().getConditions() == null) {
      return null;
    }
    for (NodeCondition c : node.getStatus().getConditions()) {
      if (type.equals(c.getType())) {
        return c;
      }
    }
    return null;
  }

  /** Queues a not-ready node for its NoExecute taint, or swaps the taint at once. */
  private void processTaintBaseEviction(Node node, NodeCondition observed) {
    String name = node.getMetadata().getName();
    List<io.fabric8.kubernetes.api.model.Taint> current = Taints.of(node);
    var unreachable = Taints.taint(Taints.UNREACHABLE, Taints.NO_EXECUTE);
    var notReady = Taints.taint(Taints.NOT_READY, Taints.NO_EXECUTE);
    switch (observed.getStatus()) {
      case "False" -> {
        if (Taints.exists(current, unreachable)) {
          taints.swap(name, List.of(notReady), List.of(unreachable));
        } else {
          markNodeForTainting(node);
        }
      }
      case "Unknown" -> {
        if (Taints.exists(current, notReady)) {
          taints.swap(name, List.of(unreachable), List.of(notReady));
        } else {
          markNodeForTainting(node);
        }
      }
      case "True" -> markNodeAsReachable(node);
      default -> {}
    }
  }

  private void addTainterForZone(Node node) {
    String zone = ZoneState.zoneKey(node);
    if (!zoneStates.containsKey(zone)) {
      zoneStates.put(zone, ZoneState.INITIAL);
      zoneNoExecuteTainter.put(zone, new RateLimitedTimedQueue(clock, settings.evictionRate()));
    }
  }

  private void markNodeForTainting(Node node) {
    addTainterForZone(node);
    zoneNoExecuteTainter
        .get(ZoneState.zoneKey(node))
        .add(node.getMetadata().getName(), node.getMetadata().getUid());
  }

  /** Removes both NoExecute taints and takes the node off its zone's queue. */
  private void markNodeAsReachable(Node node) {
    var unreachable = Taints.taint(Taints.UNREACHABLE, Taints.NO_EXECUTE);
    var notReady = Taints.taint(Taints.NOT_READY, Taints.NO_EXECUTE);
    if (Taints.exists(Taints.of(node), unreachable) || Taints.exists(Taints.of(node), notReady)) {
      taints.swap(node.getMetadata().getName(), List.of(), List.of(unreachable, notReady));
    }
    RateLimitedTimedQueue q = zoneNoExecuteTainter.get(ZoneState.zoneKey(node));
    if (q != null) {
      q.remove(node.getMetadata().getName());
    }
  }

  /** Upstream's {@code doNoExecuteTaintingPass}: taints queued nodes as their zones allow. */
  void doNoExecuteTaintingPass() {
    for (RateLimitedTimedQueue q : zoneNoExecuteTainter.values()) {
      q.tryProcess(
          v -> {
            Node node = nodes.get(null, v.value);
            if (node == null) {
              return new RateLimitedTimedQueue.Outcome(true, Duration.ZERO);
            }
            NodeCondition ready = condition(node, "Ready");
            if (ready == null) {
              return new RateLimitedTimedQueue.Outcome(true, Duration.ZERO);
            }
            var unreachable = Taints.taint(Taints.UNREACHABLE, Taints.NO_EXECUTE);
            var notReady = Taints.taint(Taints.NOT_READY, Taints.NO_EXECUTE);
            try {
              return switch (ready.getStatus()) {
                case "False" ->
                    new RateLimitedTimedQueue.Outcome(
                        taints.swap(v.value, List.of(notReady), List.of(unreachable)),
                        Duration.ZERO);
                case "Unknown" ->
                    new RateLimitedTimedQueue.Outcome(
                        taints.swap(v.value, List.of(unreachable), List.of(notReady)),
                        Duration.ZERO);
                default -> new RateLimitedTimedQueue.Outcome(true, Duration.ZERO);
              };
            } catch (RuntimeException e) {
              LOG.warn("node lifecycle: tainting node {} failed: {}", v.value, e.toString());
              return new RateLimitedTimedQueue.Outcome(false, Duration.ofMillis(50));
            }
          });
    }
  }

  /** Sets Ready=False on every pod of the node whose Ready condition is not False yet. */
  private boolean markPodsNotReady(String nodeName) {
    boolean ok = true;
    for (Pod cached : pods.byIndex(POD_NODE_INDEX, nodeName)) {
      Pod pod = DeepCopy.of(cached);
      PodCondition ready = PodStatuses.condition(pod, "Ready");
      if (ready == null || "False".equals(ready.getStatus())) {
        continue;
      }
      ready.setStatus("False");
      ready.setLastTransitionTime(Times.format(clock.now()));
      try {
        writer.updateStatus(pod);
        events.event(pod, EventRecorder.WARNING, "NodeNotReady", "Node is not ready");
      } catch (RuntimeException e) {
        if (!ApiErrors.isNotFound(e)) {
          LOG.warn(
              "node lifecycle: marking pod {} not ready failed: {}",
              pod.getMetadata().getName(),
              e.toString());
          ok = false;
        }
      }
    }
    return ok;
  }

  /** Upstream's {@code handleDisruption}: each zone's eviction rate from its health. */
  private void handleDisruption(Map<String, List<NodeCondition>> zoneConditions, List<Node> all) {
    Map<String, ZoneState> newStates = new HashMap<>();
    boolean allAreFullyDisrupted = true;
    for (var e : zoneConditions.entrySet()) {
      ZoneState s = ZoneState.of(e.getValue(), settings.unhealthyZoneThreshold());
      if (s != ZoneState.FULL_DISRUPTION) {
        allAreFullyDisrupted = false;
      }
      newStates.put(e.getKey(), s);
      zoneStates.putIfAbsent(e.getKey(), ZoneState.INITIAL);
      zoneNoExecuteTainter.computeIfAbsent(
          e.getKey(), k -> new RateLimitedTimedQueue(clock, settings.evictionRate()));
    }
    boolean allWereFullyDisrupted = true;
    for (String zone : new ArrayList<>(zoneStates.keySet())) {
      if (!zoneConditions.containsKey(zone)) {
        zoneStates.remove(zone);
        continue;
      }
      if (zoneStates.get(zone) != ZoneState.FULL_DISRUPTION) {
        allWereFullyDisrupted = false;
      }
    }
    if (allAreFullyDisrupted && allWereFullyDisrupted) {
      return;
    }
    if (allAreFullyDisrupted) {
      LOG.info("Controller detected that all Nodes are not-Ready. Entering master disruption mode");
      for (Node n : all) {
        markNodeAsReachable(n);
      }
      for (String zone : zoneStates.keySet()) {
        zoneNoExecuteTainter.get(zone).swapLimiter(0);
        zoneStates.put(zone, ZoneState.FULL_DISRUPTION);
      }
      return;
    }
    if (allWereFullyDisrupted) {
      LOG.info("Controller detected that some Nodes are Ready. Exiting master disruption mode");
      Instant now = clock.now();
      for (Node n : all) {
        NodeHealth h = health.get(n.getMetadata().getName());
        if (h != null) {
          health.put(
              n.getMetadata().getName(),
              new NodeHealth(h.readyCondition(), now, now, h.leaseRenewTime()));
        }
      }
      for (String zone : zoneStates.keySet()) {
        setLimiterInZone(zone, zoneConditions.get(zone).size(), newStates.get(zone));
        zoneStates.put(zone, newStates.get(zone));
      }
      return;
    }
    for (String zone : zoneStates.keySet()) {
      ZoneState next = newStates.get(zone);
      if (zoneStates.get(zone) != next) {
        LOG.info("Controller detected that zone {} is now in state {}", zone, next);
        setLimiterInZone(zone, zoneConditions.get(zone).size(), next);
        zoneStates.put(zone, next);
      }
    }
  }

  private void setLimiterInZone(String zone, int zoneSize, ZoneState state) {
    double qps =
        switch (state) {
          case NORMAL, FULL_DISRUPTION, INITIAL -> settings.evictionRate();
          case PARTIAL_DISRUPTION ->
              zoneSize > settings.largeClusterThreshold() ? settings.secondaryEvictionRate() : 0;
        };
    zoneNoExecuteTainter.get(zone).swapLimiter(qps);
  }
}
