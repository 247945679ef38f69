package io.k8j.kubelet.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.k8j.client.DeepCopy;
import io.k8j.client.impl.RawApi;
import io.k8j.common.Clock;
import io.k8j.kubelet.KubeletOptions;
import io.k8j.kubelet.events.EventRecorder;
import io.k8j.kubelet.events.Reasons;
import io.k8j.kubelet.util.Json;
import io.k8j.kubelet.util.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the node and keeps its status (upstream's node status loop): capacity and allocatable,
 * addresses, node info, the Ready and pressure conditions. The status is computed every update
 * period and written when it changed, or at least every report period with fresh heartbeat times.
 */
public final class NodeStatusManager implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NodeStatusManager.class);
  public static final String KUBELET_VERSION = "v1.32.0-k8j";

  /** What the node's conditions are made of, asked at each update. */
  public record Health(
      boolean runtimeReady,
      String notReadyMessage,
      boolean memoryPressure,
      boolean diskPressure,
      boolean pidPressure) {}

  private final KubernetesClient client;
  private final RawApi raw;
  private final KubeletOptions options;
  private final MachineInfo machine;
  private final String nodeIp;
  private final Supplier<String> runtimeVersion;
  private final Supplier<Health> health;
  private final Supplier<Integer> kubeletPort;
  private final EventRecorder events;
  private final Clock clock;
  private volatile Node node;
  private NodeStatus lastReported;
  private Instant lastReportAt;
  private final Map<String, String> lastConditionStatus = new LinkedHashMap<>();
  private volatile boolean closed;
  private Thread thread;

  public NodeStatusManager(
      KubernetesClient client,
      KubeletOptions options,
      MachineInfo machine,
      String nodeIp,
      Supplier<String> runtimeVersion,
      Supplier<Health> health,
      Supplier<Integer> kubeletPort,
      EventRecorder events) {
    this.client = client;
    this.raw = new RawApi(client);
    this.options = options;
    this.machine = machine;
    this.nodeIp = nodeIp;
    this.runtimeVersion = runtimeVersion;
    this.health = health;
    this.kubeletPort = kubeletPort;
    this.events = events;
    this.clock = options.clock();
  }

  public Node node() {
    return node;
  }

  public String nodeIp() {
    return nodeIp;
  }

  /** Capacity as the node reports it. */
  public Map<String, Quantity> capacity() {
    Map<String, Quantity> m = new LinkedHashMap<>();
    m.put("cpu", new Quantity(Integer.toString(machine.cores())));
    m.put("ephemeral-storage", new Quantity((machine.storageBytes() / 1024) + "Ki"));
    m.put("hugepages-1Gi", new Quantity("0"));
    m.put("hugepages-2Mi", new Quantity("0"));
    m.put("memory", new Quantity((machine.memoryBytes() / 1024) + "Ki"));
    m.put("pods", new Quantity(Integer.toString(options.maxPods())));
    return m;
  }

  /** Capacity less the hard eviction thresholds (memory.available, nodefs.available 10%). */
  public Map<String, Quantity> allocatable() {
    Map<String, Quantity> m = capacity();
    long mem = Math.max(0, machine.memoryBytes() - options.evictionMemoryAvailableBytes());
    m.put("memory", new Quantity((mem / 1024) + "Ki"));
    long storage = machine.storageBytes() - machine.storageBytes() / 10;
    m.put("ephemeral-storage", new Quantity(Long.toString(storage)));
    return m;
  }

  /** Creates the Node, or takes over the one a previous run registered; retries until it works. */
  public void register() throws InterruptedException {
    Duration wait = Duration.ofMillis(200);
    while (!closed) {
      try {
        tryRegister();
        events.normal(node, null, Reasons.STARTING, "Starting kubelet.");
        return;
      } catch (KubernetesClientException e) {
        log.warn("could not register node {}: {}", options.nodeName(), e.getMessage());
        clock.sleep(wait);
        wait =
            wait.multipliedBy(2).compareTo(Duration.ofSeconds(7)) > 0
                ? Duration.ofSeconds(7)
                : wait.multipliedBy(2);
      }
    }
  }

  private void tryRegister() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("beta.kubernetes.io/arch", "amd64");
    labels.put("beta.kubernetes.io/os", "linux");
    labels.put("kubernetes.io/arch", "amd64");
    labels.put("kubernetes.io/hostname", options.nodeName());
    labels.put("kubernetes.io/os", "linux");
    labels.putAll(options.nodeLabels());
    Node existing = client.nodes().withName(options.nodeName()).get();
    if (existing == null) {
      Node n =
          new NodeBuilder()
              .withNewMetadata()
              .withName(options.nodeName())
              .withLabels(labels)
              .addToAnnotations("node.alpha.kubernetes.io/ttl", "0")
              .addToAnnotations("volumes.kubernetes.io/controller-managed-attach-detach", "true")
              .endMetadata()
              .withNewSpec()
              .endSpec()
              .build();
      if (options.podCidr() != null) {
        n.getSpec().setPodCIDR(options.podCidr());
        n.getSpec().setPodCIDRs(List.of(options.podCidr()));
      }
      try {
        node = client.nodes().resource(n).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        node = client.nodes().withName(options.nodeName()).get();
      }
    } else {
      Map<String, String> merged = new LinkedHashMap<>();
      if (existing.getMetadata().getLabels() != null) {
        merged.putAll(existing.getMetadata().getLabels());
      }
      merged.putAll(labels);
      ObjectNode patch = Json.MAPPER.createObjectNode();
      patch.putObject("metadata").set("labels", Json.tree(merged));
      if (options.podCidr() != null
          && (existing.getSpec() == null || existing.getSpec().getPodCIDR() == null)) {
        ObjectNode spec = patch.putObject("spec");
        spec.put("podCIDR", options.podCidr());
        spec.putArray("podCIDRs").add(options.podCidr());
      }
      node =
          client
              .nodes()
              .withName(options.nodeName())
              .patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
    }
    lastReported = null;
    update(true);
  }

  public void start() {
    thread = Thread.ofVirtual().name("node-status-" + options.nodeName()).start(this::run);
  }

  private void run() {
    while (!closed) {
      try {
        clock.sleep(options.nodeStatusUpdateFrequency());
      } catch (InterruptedException e) {
        return;
      }
      try {
        update(false);
      } catch (RuntimeException e) {
        log.warn("could not update node status: {}", e.getMessage());
      }
    }
  }

  /** Computes the status and writes it if it changed or a report is due. */
  public synchronized void update(boolean force) {
    Instant now = clock.now();
    NodeStatus desired = status(now, null);
    boolean due =
        force
            || lastReportAt == null
            || Duration.between(lastReportAt, now).compareTo(options.nodeStatusReportFrequency())
                >= 0;
    // from the API server's cache (resourceVersion=0), as upstream's kubelet reads it first: every
    // node reads its Node every 10 s; from the store when the cache does not have it (yet)
    RawApi.Response read = raw.send("GET", nodePath() + "?resourceVersion=0", null, null);
    if (read.code() == 404) {
      read = raw.send("GET", nodePath(), null, null);
    }
    if (read.code() == 404) {
      throw new IllegalStateException("node " + options.nodeName() + " is gone");
    }
    Node current = DeepCopy.serialization().unmarshal(read.body(), Node.class);
    // the node lifecycle controller sets Ready to Unknown when heartbeats were late: say it again
    boolean serverDiffers =
        lastReported != null
            && !conditionStatuses(current.getStatus()).equals(conditionStatuses(lastReported));
    if (!due
        && !serverDiffers
        && lastReported != null
        && withoutHeartbeats(desired).equals(withoutHeartbeats(lastReported))) {
      return;
    }
    NodeStatus status = status(now, current.getStatus());
    ObjectNode patch = Json.MAPPER.createObjectNode();
    patch.set("status", Json.tree(status));
    // one request (fabric8's withName(..).patch(..) reads the node again first)
    RawApi.Response written =
        raw.send("PATCH", nodePath() + "/status", "application/merge-patch+json", patch.toString());
    if (written.code() == 404) {
      throw new IllegalStateException("node " + options.nodeName() + " is gone");
    }
    node = DeepCopy.serialization().unmarshal(written.body(), Node.class);
    lastReported = status;
    lastReportAt = now;
    recordTransitions(status);
  }

  private String nodePath() {
    return "/api/v1/nodes/" + options.nodeName();
  }

  private static Map<String, String> conditionStatuses(NodeStatus status) {
    Map<String, String> out = new LinkedHashMap<>();
    if (status != null && status.getConditions() != null) {
      for (NodeCondition c : status.getConditions()) {
        out.put(c.getType(), c.getStatus());
      }
    }
    return out;
  }

  private NodeStatus status(Instant now, NodeStatus current) {
    Health h = health.get();
    String ts = Times.format(now);
    List<NodeCondition> conditions = new ArrayList<>();
    conditions.add(
        condition(
            current,
            "MemoryPressure",
            h.memoryPressure(),
            h.memoryPressure() ? "KubeletHasInsufficientMemory" : "KubeletHasSufficientMemory",
            h.memoryPressure()
                ? "kubelet has insufficient memory available"
                : "kubelet has sufficient memory available",
            ts));
    conditions.add(
        condition(
            current,
            "DiskPressure",
            h.diskPressure(),
            h.diskPressure() ? "KubeletHasDiskPressure" : "KubeletHasNoDiskPressure",
            h.diskPressure() ? "kubelet has disk pressure" : "kubelet has no disk pressure",
            ts));
    conditions.add(
        condition(
            current,
            "PIDPressure",
            h.pidPressure(),
            h.pidPressure() ? "KubeletHasInsufficientPID" : "KubeletHasSufficientPID",
            h.pidPressure()
                ? "kubelet has insufficient PID available"
                : "kubelet has sufficient PID available",
            ts));
    conditions.add(
        condition(
            current,
            "Ready",
            h.runtimeReady(),
            h.runtimeReady() ? "KubeletReady" : "KubeletNotReady",
            h.runtimeReady() ? "kubelet is posting ready status" : h.notReadyMessage(),
            ts));
    if (current != null && current.getConditions() != null) {
      for (NodeCondition c : current.getConditions()) {
        if (conditions.stream().noneMatch(k -> k.getType().equals(c.getType()))) {
          conditions.add(c);
        }
      }
    }
    List<NodeAddress> addresses =
        List.of(
            new NodeAddress(nodeIp, "InternalIP"), new NodeAddress(options.nodeName(), "Hostname"));
    return new NodeStatusBuilder()
        .withCapacity(capacity())
        .withAllocatable(allocatable())
        .withConditions(conditions)
        .withAddresses(addresses)
        .withNewDaemonEndpoints()
        .withNewKubeletEndpoint(kubeletPort.get())
        .endDaemonEndpoints()
        .withNewNodeInfo()
        .withArchitecture("amd64")
        .withOperatingSystem("linux")
        .withBootID(machine.bootId())
        .withMachineID(machine.machineId())
        .withSystemUUID(machine.systemUuid())
        .withKernelVersion(machine.kernelVersion())
        .withOsImage(machine.osImage())
        .withContainerRuntimeVersion(runtimeVersion.get())
        .withKubeletVersion(KUBELET_VERSION)
        .withKubeProxyVersion("")
        .endNodeInfo()
        .build();
  }

  private NodeCondition condition(
      NodeStatus current, String type, boolean status, String reason, String message, String now) {
    String st = status ? "True" : "False";
    String transition = now;
    if (current != null && current.getConditions() != null) {
      for (NodeCondition c : current.getConditions()) {
        if (c.getType().equals(type)
            && st.equals(c.getStatus())
            && c.getLastTransitionTime() != null) {
          transition = c.getLastTransitionTime();
        }
      }
    } else if (lastReported != null) {
      for (NodeCondition c : lastReported.getConditions()) {
        if (c.getType().equals(type) && st.equals(c.getStatus())) {
          transition = c.getLastTransitionTime();
        }
      }
    }
    return new NodeConditionBuilder()
        .withType(type)
        .withStatus(st)
        .withReason(reason)
        .withMessage(message)
        .withLastHeartbeatTime(now)
        .withLastTransitionTime(transition)
        .build();
  }

  private static NodeStatus withoutHeartbeats(NodeStatus s) {
    NodeStatus c = Json.copy(s);
    for (NodeCondition nc : c.getConditions()) {
      nc.setLastHeartbeatTime(null);
      nc.setLastTransitionTime(null);
    }
    return c;
  }

  private void recordTransitions(NodeStatus s) {
    for (NodeCondition c : s.getConditions()) {
      String prev = lastConditionStatus.put(c.getType(), c.getStatus());
      if (Objects.equals(prev, c.getStatus())) {
        continue;
      }
      String reason =
          switch (c.getType()) {
            case "Ready" -> "True".equals(c.getStatus()) ? Reasons.NODE_READY : "NodeNotReady";
            case "MemoryPressure", "DiskPressure", "PIDPressure" ->
                "Node" + c.getReason().substring("Kubelet".length());
            default -> null;
          };
      if (reason != null) {
        events.normal(
            node, null, reason, "Node " + options.nodeName() + " status is now: " + reason);
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    if (thread != null) {
      thread.interrupt();
    }
  }
}
