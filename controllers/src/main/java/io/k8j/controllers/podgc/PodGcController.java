package io.k8j.controllers.podgc;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.k8j.client.ApiErrors;
import io.k8j.client.DeepCopy;
import io.k8j.client.Deletion;
import io.k8j.client.Informer;
import io.k8j.client.InformerFactory;
import io.k8j.client.Lister;
import io.k8j.client.ObjectReader;
import io.k8j.client.ObjectWriter;
import io.k8j.common.Clock;
import io.k8j.controllers.shared.PodStatuses;
import io.k8j.controllers.shared.Taints;
import io.k8j.controllers.shared.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upstream's PodGCController, every {@code period}:
 *
 * <ul>
 *   <li>terminated pods (Succeeded, Failed) beyond {@code terminatedPodThreshold} are deleted,
 *       evicted ones first, then the oldest (0 keeps them all);
 *   <li>pods bound to a node that has not existed for {@value #QUARANTINE_SECONDS} seconds (checked
 *       against the API server) are marked Failed with a DisruptionTarget condition and deleted;
 *   <li>terminating pods never scheduled, and terminating pods on a not-ready node with the {@code
 *       node.kubernetes.io/out-of-service} taint, are deleted at once.
 * </ul>
 *
 * Deletions are forced (grace period 0): no kubelet will finish them.
 */
public final class PodGcController implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PodGcController.class);
  static final long QUARANTINE_SECONDS = 40;
  static final String OUT_OF_SERVICE = "node.kubernetes.io/out-of-service";

  private final Informer<Pod> podInformer;
  private final Informer<Node> nodeInformer;
  private final Lister<Pod> pods;
  private final Lister<Node> nodes;
  private final ObjectReader reader;
  private final ObjectWriter writer;
  private final Clock clock;
  private final int terminatedPodThreshold;
  private final Duration period;
  private final Map<String, Instant> missingNodesSince = new HashMap<>();
  private Thread loop;

  public PodGcController(
      InformerFactory informers,
      ObjectReader reader,
      ObjectWriter writer,
      Clock clock,
      int terminatedPodThreshold,
      Duration period) {
    this.podInformer = informers.forType(Pod.class);
    this.nodeInformer = informers.forType(Node.class);
    this.pods = podInformer.lister();
    this.nodes = nodeInformer.lister();
    this.reader = reader;
    this.writer = writer;
    this.clock = clock;
    this.terminatedPodThreshold = terminatedPodThreshold;
    this.period = period;
  }

  public void start() {
    loop =
        Thread.ofVirtual()
            .name("pod-garbage-collector")
            .start(
                () -> {
                  try {
                    while (!Thread.currentThread().isInterrupted()) {
                      if (podInformer.hasSynced() && nodeInformer.hasSynced()) {
                        try {
                          gc();
                        } catch (RuntimeException e) {
                          LOG.warn("pod garbage collection failed: {}", e.toString());
                        }
                      }
                      clock.sleep(period);
                    }
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
  }

  @Override
  public void close() {
    if (loop != null) {
      loop.interrupt();
    }
  }

  /** One pass. */
  synchronized void gc() {
    List<Pod> all = pods.list();
    if (terminatedPodThreshold > 0) {
      gcTerminated(all);
    }
    gcTerminating(all);
    gcOrphaned(all);
    gcUnscheduledTerminating(all);
  }

  private static boolean terminated(Pod p) {
    String phase = PodStatuses.phase(p);
    return phase.equals("Succeeded") || phase.equals("Failed");
  }

  private void gcTerminated(List<Pod> all) {
    List<Pod> done = new ArrayList<>(all.stream().filter(PodGcController::terminated).toList());
    int excess = done.size() - terminatedPodThreshold;
    if (excess <= 0) {
      return;
    }
    done.sort(
        Comparator.comparing((Pod p) -> !"Evicted".equals(p.getStatus().getReason()))
            .thenComparing(p -> created(p)));
    for (Pod p : done.subList(0, excess)) {
      forceDelete(p, null);
    }
  }

  private static Instant created(Pod p) {
    Instant t = Times.parse(p.getMetadata().getCreationTimestamp());
    return t == null ? Instant.EPOCH : t;
  }

  private void gcTerminating(List<Pod> all) {
    for (Pod p : all) {
      if (p.getMetadata().getDeletionTimestamp() == null || PodStatuses.nodeName(p).isEmpty()) {
        continue;
      }
      Node node = nodes.get(null, PodStatuses.nodeName(p));
      if (node == null || isReady(node)) {
        continue;
      }
      if (Taints.of(node).stream()
          .anyMatch(
              t -> OUT_OF_SERVICE.equals(t.getKey()) && Taints.NO_EXECUTE.equals(t.getEffect()))) {
        forceDelete(p, null);
      }
    }
  }

  private static boolean isReady(Node node) {
    if (node.getStatus() == null || node.getStatus().getConditions() == null) {
      return false;
    }
    return node.getStatus().getConditions().stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** Pods of nodes absent from the cache for the quarantine time and confirmed absent. */
  private void gcOrphaned(List<Pod> all) {
    Set<String> existing = new HashSet<>();
    nodes.list().forEach(n -> existing.add(n.getMetadata().getName()));
    Instant now = clock.now();
    Set<String> referenced = new HashSet<>();
    for (Pod p : all) {
      String node = PodStatuses.nodeName(p);
      if (!node.isEmpty() && !existing.contains(node)) {
        referenced.add(node);
        missingNodesSince.putIfAbsent(node, now);
      }
    }
    missingNodesSince.keySet().retainAll(referenced);
    Set<String> deleted = new HashSet<>();
    for (var e : missingNodesSince.entrySet()) {
      if (Duration.between(e.getValue(), now).getSeconds() >= QUARANTINE_SECONDS
          && reader.get(Node.class, null, e.getKey()) == null) {
        deleted.add(e.getKey());
      }
    }
    for (Pod p : all) {
      if (deleted.contains(PodStatuses.nodeName(p))) {
        PodCondition c = new PodCondition();
        c.setType("DisruptionTarget");
        c.setStatus("True");
        c.setReason("DeletionByPodGC");
        c.setMessage("PodGC: node no longer exists");
        c.setLastTransitionTime(Times.format(now));
        forceDelete(p, c);
      }
    }
  }

  private void gcUnscheduledTerminating(List<Pod> all) {
    for (Pod p : all) {
      if (p.getMetadata().getDeletionTimestamp() != null && PodStatuses.nodeName(p).isEmpty()) {
        forceDelete(p, null);
      }
    }
  }

  /** Upstream's {@code markFailedAndDeletePodWithCondition}. */
  private void forceDelete(Pod cached, PodCondition condition) {
    try {
      if (!terminated(cached)) {
        Pod p = DeepCopy.of(cached);
        p.getStatus().setPhase("Failed");
        if (condition != null) {
          List<PodCondition> conditions =
              new ArrayList<>(
                  p.getStatus().getConditions() == null
                      ? List.of()
                      : p.getStatus().getConditions());
          conditions.removeIf(c -> condition.getType().equals(c.getType()));
          conditions.add(condition);
          p.getStatus().setConditions(conditions);
        }
        writer.updateStatus(p);
      }
      writer.delete(
          cached,
          Deletion.DEFAULT
              .withGracePeriodSeconds(0)
              .withPreconditionUid(cached.getMetadata().getUid()));
    } catch (RuntimeException e) {
      if (!ApiErrors.isNotFound(e)) {
        LOG.warn(
            "pod garbage collector: deleting {}/{} failed: {}",
            cached.getMetadata().getNamespace(),
            cached.getMetadata().getName(),
            e.toString());
      }
    }
  }
}
