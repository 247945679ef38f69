package io.k8j.controllers.tainteviction;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.k8j.client.ApiErrors;
import io.k8j.client.Controller;
import io.k8j.client.DeepCopy;
import io.k8j.client.Deletion;
import io.k8j.client.EventHandlers;
import io.k8j.client.Informer;
import io.k8j.client.InformerFactory;
import io.k8j.client.Keys;
import io.k8j.client.Lister;
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
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Evicts pods from nodes with NoExecute taints, as upstream's taint eviction controller. Node and
 * pod changes are queued as keys ({@code node/<name>}, {@code pod/<ns>/<name>}); each sync decides,
 * per pod, to evict now, to schedule an eviction at the end of its shortest tolerationSeconds, or
 * to cancel one. Scheduled evictions are keys of a second, delayed queue ({@link #evictions}).
 */
public final class TaintEvictionController implements AutoCloseable {
  static final String POD_NODE_INDEX = "spec.nodeName";

  /** A scheduled eviction: when it was first scheduled and when it fires. */
  record Scheduled(Instant createdAt, Instant fireAt) {}

  private final Lister<Node> nodes;
  private final Lister<Pod> pods;
  private final ObjectWriter writer;
  private final EventRecorder events;
  private final Clock clock;
  private final WorkQueue<String> updates;
  private final WorkQueue<String> evictions;
  private final Controller updateController;
  private final Controller evictionController;
  private final Map<String, Scheduled> scheduled = new ConcurrentHashMap<>();

  public TaintEvictionController(
      InformerFactory informers, ObjectWriter writer, EventRecorder events, Clock clock) {
    Informer<Node> nodeInformer = informers.forType(Node.class);
    Informer<Pod> podInformer = informers.forType(Pod.class);
    this.nodes = nodeInformer.lister();
    this.pods = podInformer.lister();
    this.writer = writer;
    this.events = events;
    this.clock = clock;
    this.updates = WorkQueue.forController(clock);
    this.evictions = WorkQueue.forController(clock);
    this.updateController =
        new Controller(
            "taint-eviction-controller", updates, this::sync, List.of(nodeInformer, podInformer));
    this.evictionController =
        new Controller(
            "taint-eviction-controller-evictions",
            evictions,
            this::evict,
            List.of(nodeInformer, podInformer));
    podInformer.addIndexer(POD_NODE_INDEX, p -> List.of(PodStatuses.nodeName(p)));
    nodeInformer.addEventHandler(
        EventHandlers.of(
            node -> updates.add("node/" + node.getMetadata().getName()),
            (old, cur) -> {
              if (!Objects.equals(noExecute(old), noExecute(cur))) {
                updates.add("node/" + cur.getMetadata().getName());
              }
            },
            node -> updates.add("node/" + node.getMetadata().getName())));
    podInformer.addEventHandler(
        EventHandlers.of(
            pod -> updates.add("pod/" + Keys.of(pod)),
            (old, cur) -> {
              if (!PodStatuses.nodeName(old).equals(PodStatuses.nodeName(cur))
                  || !Objects.equals(
                      old.getSpec().getTolerations(), cur.getSpec().getTolerations())) {
                updates.add("pod/" + Keys.of(cur));
              }
            },
            pod -> updates.add("pod/" + Keys.of(pod))));
  }

  public void start(int workers) {
    updateController.start(workers);
    evictionController.start(workers);
  }

  @Override
  public void close() {
    updateController.close();
    evictionController.close();
  }

  WorkQueue<String> updates() {
    return updates;
  }

  WorkQueue<String> evictions() {
    return evictions;
  }

  Scheduled scheduledEviction(String podKey) {
    return scheduled.get(podKey);
  }

  static List<Taint> noExecute(Node node) {
    return Taints.withEffect(Taints.of(node), Taints.NO_EXECUTE);
  }

  // Syncs.

  void sync(String key) {
    if (key.startsWith("node/")) {
      handleNode(key.substring("node/".length()));
    } else {
      handlePod(key.substring("pod/".length()));
    }
  }

  private void handleNode(String name) {
    Node node = nodes.get(null, name);
    List<Taint> taints = node == null ? List.of() : noExecute(node);
    for (Pod pod : pods.byIndex(POD_NODE_INDEX, name)) {
      processPodOnNode(pod, taints);
    }
  }

  private void handlePod(String key) {
    Pod pod = pods.get(key);
    if (pod == null) {
      cancel(key, null);
      return;
    }
    String nodeName = PodStatuses.nodeName(pod);
    if (nodeName.isEmpty()) {
      return;
    }
    Node node = nodes.get(null, nodeName);
    processPodOnNode(pod, node == null ? List.of() : noExecute(node));
  }

  /** Upstream's {@code processPodOnNode}. */
  private void processPodOnNode(Pod pod, List<Taint> taints) {
    String key = Keys.of(pod);
    if (taints.isEmpty()) {
      cancel(key, pod);
      return;
    }
    List<Toleration> tolerations =
        pod.getSpec().getTolerations() == null ? List.of() : pod.getSpec().getTolerations();
    List<Toleration> used = new ArrayList<>();
    for (Taint t : taints) {
      Toleration match =
          tolerations.stream().filter(tol -> Taints.tolerates(tol, t)).findFirst().orElse(null);
      if (match == null) {
        cancel(key, pod);
        schedule(key, clock.now(), clock.now());
        return;
      }
      used.add(match);
    }
    Duration min = minTolerationTime(used);
    if (min == null) {
      cancel(key, pod);
      return;
    }
    Instant now = clock.now();
    Instant start = now;
    Scheduled existing = scheduled.get(key);
    if (existing != null) {
      start = existing.createdAt();
      if (start.plus(min).isBefore(now.plus(min))) {
        return;
      }
      cancel(key, pod);
    }
    schedule(key, start, now.plus(min));
  }

  /** The shortest tolerationSeconds (0 if negative), or null when all tolerate forever. */
  static Duration minTolerationTime(List<Toleration> used) {
    Duration min = null;
    for (Toleration t : used) {
      if (t.getTolerationSeconds() == null) {
        continue;
      }
      Duration d = Duration.ofSeconds(Math.max(0, t.getTolerationSeconds()));
      if (min == null || d.compareTo(min) < 0) {
        min = d;
      }
    }
    return min;
  }

  private void schedule(String key, Instant createdAt, Instant fireAt) {
    scheduled.put(key, new Scheduled(createdAt, fireAt));
    evictions.addAfter(key, Duration.between(clock.now(), fireAt));
  }

  private void cancel(String key, Pod pod) {
    if (scheduled.remove(key) != null && pod != null) {
      events.event(
          pod, EventRecorder.NORMAL, "TaintManagerEviction", "Cancelling deletion of Pod " + key);
    }
  }

  /** Fires a scheduled eviction whose time has come. */
  void evict(String key) {
    Scheduled s = scheduled.get(key);
    if (s == null) {
      return;
    }
    Duration left = Duration.between(clock.now(), s.fireAt());
    if (left.isPositive()) {
      evictions.addAfter(key, left);
      return;
    }
    Pod pod = pods.get(key);
    if (pod == null) {
      scheduled.remove(key);
      return;
    }
    events.event(
        pod, EventRecorder.NORMAL, "TaintManagerEviction", "Marking for deletion Pod " + key);
    addDisruptionTarget(pod);
    try {
      writer.delete(pod, Deletion.DEFAULT);
    } catch (RuntimeException e) {
      if (!ApiErrors.isNotFound(e)) {
        throw e;
      }
    }
    scheduled.remove(key, s);
  }

  private void addDisruptionTarget(Pod cached) {
    Pod pod = DeepCopy.of(cached);
    PodCondition c = PodStatuses.condition(pod, "DisruptionTarget");
    if (c != null && "True".equals(c.getStatus())) {
      return;
    }
    PodCondition dt = new PodCondition();
    dt.setType("DisruptionTarget");
    dt.setStatus("True");
    dt.setReason("DeletionByTaintManager");
    dt.setMessage("Taint manager: deleting due to NoExecute taint");
    dt.setLastTransitionTime(Times.format(clock.now()));
    List<PodCondition> conditions =
        new ArrayList<>(
            pod.getStatus().getConditions() == null ? List.of() : pod.getStatus().getConditions());
    conditions.removeIf(x -> "DisruptionTarget".equals(x.getType()));
    conditions.add(dt);
    pod.getStatus().setConditions(conditions);
    try {
      writer.updateStatus(pod);
    } catch (RuntimeException e) {
      if (!ApiErrors.isNotFound(e) && !ApiErrors.isConflict(e)) {
        throw e;
      }
    }
  }
}
