package io.k8j.scheduler.internal;

import io.fabric8.kubernetes.api.model.Pod;
import io.k8j.common.Clock;
import io.k8j.scheduler.SchedulerMetrics;
import io.k8j.scheduler.cache.SchedulerCache;
import io.k8j.scheduler.cache.Snapshot;
import io.k8j.scheduler.framework.ClusterEvent;
import io.k8j.scheduler.framework.ClusterObjects;
import io.k8j.scheduler.framework.CycleState;
import io.k8j.scheduler.framework.Diagnosis;
import io.k8j.scheduler.framework.EventRecorder;
import io.k8j.scheduler.framework.FitError;
import io.k8j.scheduler.framework.NodeInfo;
import io.k8j.scheduler.framework.PodInfo;
import io.k8j.scheduler.framework.PostFilterResult;
import io.k8j.scheduler.framework.QueuedPodInfo;
import io.k8j.scheduler.framework.Status;
import io.k8j.scheduler.framework.runtime.FrameworkImpl;
import io.k8j.scheduler.queue.SchedulingQueue;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pod at a time, as upstream's {@code scheduleOne}: pop the next pod, run its scheduling cycle
 * on this thread (snapshot, filter, score, pick a node, assume, reserve, permit), then hand the
 * binding cycle (wait on permit, pre-bind, bind) to another thread so the next pod can start. A
 * failure records an event and the PodScheduled condition, and puts the pod back in the queue.
 */
final class SchedulingLoop {
  private static final Logger log = LoggerFactory.getLogger(SchedulingLoop.class);
  private static final int MAX_EVENT_MESSAGE = 1024;

  private final SchedulerCache cache;
  private final SchedulingQueue queue;
  private final Profiles profiles;
  private final Snapshot snapshot;
  private final Clock clock;
  private final int percentageOfNodesToScore;
  private final ExecutorService binders;
  private final EventRecorder events;
  private final PodConditions conditions;
  private final ClusterObjects objects;
  private final SchedulerMetrics metrics;
  private final RandomGenerator random;
  private int nextStartNodeIndex;

  SchedulingLoop(
      SchedulerCache cache,
      SchedulingQueue queue,
      Profiles profiles,
      Snapshot snapshot,
      Clock clock,
      int percentageOfNodesToScore,
      ExecutorService binders,
      EventRecorder events,
      PodConditions conditions,
      ClusterObjects objects,
      SchedulerMetrics metrics,
      RandomGenerator random) {
    this.cache = cache;
    this.queue = queue;
    this.profiles = profiles;
    this.snapshot = snapshot;
    this.clock = clock;
    this.percentageOfNodesToScore = percentageOfNodesToScore;
    this.binders = binders;
    this.events = events;
    this.conditions = conditions;
    this.objects = objects;
    this.metrics = metrics;
    this.random = random;
  }

  /** Runs until the queue is closed or the thread interrupted. */
  void run() {
    while (!Thread.currentThread().isInterrupted()) {
      QueuedPodInfo qp;
      try {
        qp = queue.pop();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (qp == null) {
        return;
      }
      try {
        scheduleOne(qp);
      } catch (RuntimeException e) {
        log.error("scheduling {} failed unexpectedly", qp, e);
        queue.done(qp.podInfo().uid());
      }
    }
  }

  /** The chosen node and how many nodes were looked at. */
  record ScheduleResult(String node, int evaluatedNodes, int feasibleNodes) {}

  void scheduleOne(QueuedPodInfo qp) {
    PodInfo pod = qp.podInfo();
    FrameworkImpl fwk = profiles.forPod(pod);
    if (fwk == null) {
      queue.done(pod.uid());
      return;
    }
    if (pod.isTerminating() || cache.getPod(pod.uid()) != null) {
      queue.done(pod.uid());
      return;
    }
    long cycle = queue.schedulingCycle();
    long start = clock.nanoTime();
    CycleState state = new CycleState();
    ScheduleResult result;
    try {
      result = schedulePod(fwk, state, pod);
    } catch (FitError fe) {
      String nominated = null;
      if (fwk.hasPostFilterPlugins()) {
        PostFilterResult pr = fwk.runPostFilterPlugins(state, pod, fe.diagnosis().nodeToStatus());
        if (pr.status().code() == Status.Code.ERROR) {
          log.info("post-filter for {} failed: {}", pod.key(), pr.status().message());
        } else if (pr.status().isSuccess()) {
          metrics.preemption();
        }
        fe.diagnosis().setPostFilterMessage(pr.status().message());
        nominated = pr.nominatedNodeName();
      }
      metrics.unschedulable();
      metrics.cycle(clock.nanoTime() - start);
      fail(qp, cycle, Status.unschedulable(fe.getMessage()), fe.diagnosis(), nominated);
      return;
    } catch (SchedulingError e) {
      metrics.error();
      metrics.cycle(clock.nanoTime() - start);
      fail(qp, cycle, Status.error(e.getMessage()), null, null);
      return;
    }
    PodInfo assumed = pod.withNodeName(result.node());
    try {
      cache.assumePod(assumed);
    } catch (IllegalStateException e) {
      metrics.error();
      fail(qp, cycle, Status.error(e.getMessage()), null, null);
      return;
    }
    queue.deleteNominatedPodIfExists(pod);
    Status s = fwk.runReservePluginsReserve(state, assumed, result.node());
    if (!s.isSuccess()) {
      fwk.runReservePluginsUnreserve(state, assumed, result.node());
      cache.forgetPod(assumed);
      metrics.error();
      fail(qp, cycle, s, diagnosisOf(s), null);
      return;
    }
    s = fwk.runPermitPlugins(state, assumed, result.node());
    if (!s.isSuccess() && s.code() != Status.Code.WAIT) {
      fwk.runReservePluginsUnreserve(state, assumed, result.node());
      cache.forgetPod(assumed);
      metrics.error();
      fail(qp, cycle, s, diagnosisOf(s), null);
      return;
    }
    metrics.cycle(clock.nanoTime() - start);
    log.debug(
        "assumed {} on {} ({} of {} nodes feasible)",
        pod.key(),
        result.node(),
        result.feasibleNodes(),
        result.evaluatedNodes());
    try {
      binders.execute(() -> bindingCycle(fwk, state, qp, assumed, result.node(), cycle));
    } catch (RejectedExecutionException e) {
      fwk.runReservePluginsUnreserve(state, assumed, result.node());
      cache.forgetPod(assumed);
      queue.done(pod.uid());
    }
  }

  private static Diagnosis diagnosisOf(Status s) {
    Diagnosis d = new Diagnosis();
    if (s.plugin() != null && s.isRejected()) {
      d.unschedulablePlugins().add(s.plugin());
    }
    return d;
  }

  // ---- the scheduling algorithm ----

  /** An error that is not a plain "does not fit": the pod is retried after backoff. */
  static final class SchedulingError extends Exception {
    SchedulingError(String message) {
      super(message, null, false, false);
    }
  }

  ScheduleResult schedulePod(FrameworkImpl fwk, CycleState state, PodInfo pod)
      throws FitError, SchedulingError {
    cache.updateSnapshot(snapshot);
    if (snapshot.numNodes() == 0) {
      throw new SchedulingError("no nodes available to schedule pods");
    }
    Diagnosis diagnosis = new Diagnosis();
    List<NodeInfo> feasible = findNodesThatFitPod(fwk, state, pod, diagnosis);
    if (feasible.isEmpty()) {
      throw new FitError(pod, snapshot.numNodes(), diagnosis);
    }
    if (feasible.size() == 1) {
      return new ScheduleResult(feasible.get(0).name(), 1 + diagnosis.nodeToStatus().size(), 1);
    }
    long[] scores = prioritizeNodes(fwk, state, pod, feasible);
    String host = selectHost(feasible, scores);
    return new ScheduleResult(
        host, feasible.size() + diagnosis.nodeToStatus().size(), feasible.size());
  }

  private List<NodeInfo> findNodesThatFitPod(
      FrameworkImpl fwk, CycleState state, PodInfo pod, Diagnosis diagnosis)
      throws SchedulingError {
    List<NodeInfo> all = snapshot.list();
    FrameworkImpl.PreFilterOutcome pre = fwk.runPreFilterPlugins(state, pod);
    Status s = pre.status();
    if (!s.isSuccess()) {
      if (!s.isRejected()) {
        throw new SchedulingError(s.message());
      }
      diagnosis.nodeToStatus().setAbsentNodesStatus(s);
      diagnosis.setPreFilterMessage(s.message());
      diagnosis.unschedulablePlugins().addAll(pre.plugins());
      return List.of();
    }
    String nominated =
        pod.pod().getStatus() == null ? null : pod.pod().getStatus().getNominatedNodeName();
    if (nominated != null && !nominated.isEmpty()) {
      NodeInfo n = snapshot.get(nominated);
      if (n != null) {
        Status ns = fwk.runFilterPluginsWithNominatedPods(state, pod, n);
        if (ns.code() == Status.Code.ERROR) {
          throw new SchedulingError(ns.message());
        }
        if (ns.isSuccess()) {
          return List.of(n);
        }
      }
    }
    List<NodeInfo> nodes = all;
    if (!pre.result().allNodes()) {
      nodes = new java.util.ArrayList<>(pre.result().nodeNames().size());
      for (String name : pre.result().nodeNames()) {
        NodeInfo n = snapshot.get(name);
        if (n != null) {
          nodes.add(n);
        }
      }
      diagnosis
          .nodeToStatus()
          .setAbsentNodesStatus(
              Status.unresolvable(
                  "node(s) didn't satisfy plugin(s) " + new java.util.TreeSet<>(pre.plugins())));
    }
    return findNodesThatPassFilters(fwk, state, pod, diagnosis, nodes, all.size());
  }

  private List<NodeInfo> findNodesThatPassFilters(
      FrameworkImpl fwk,
      CycleState state,
      PodInfo pod,
      Diagnosis diagnosis,
      List<NodeInfo> nodes,
      int numAllNodes)
      throws SchedulingError {
    int n = nodes.size();
    if (n == 0) {
      return List.of();
    }
    Integer profilePct = fwk.percentageOfNodesToScore();
    int toFind =
        numFeasibleNodesToFind(profilePct != null ? profilePct : percentageOfNodesToScore, n);
    int startIndex = nextStartNodeIndex;
    NodeInfo[] feasible = new NodeInfo[toFind];
    java.util.concurrent.atomic.AtomicInteger found =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger processed =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicBoolean stop =
        new java.util.concurrent.atomic.AtomicBoolean();
    Status[] statuses = new Status[n];
    Status[] error = new Status[1];
    if (!fwk.hasFilterPlugins()) {
      List<NodeInfo> out = new java.util.ArrayList<>(toFind);
      for (int i = 0; i < toFind; i++) {
        out.add(nodes.get((startIndex + i) % n));
      }
      nextStartNodeIndex = (startIndex + toFind) % numAllNodes;
      return out;
    }
    fwk.parallelizer()
        .until(
            n,
            i -> {
              NodeInfo node = nodes.get((startIndex + i) % n);
              Status st = fwk.runFilterPluginsWithNominatedPods(state, pod, node);
              processed.incrementAndGet();
              if (st.isSuccess()) {
                int k = found.incrementAndGet();
                if (k > toFind) {
                  found.decrementAndGet();
                  stop.set(true);
                } else {
                  feasible[k - 1] = node;
                  if (k == toFind) {
                    stop.set(true);
                  }
                }
              } else if (st.code() == Status.Code.ERROR) {
                synchronized (error) {
                  error[0] = st;
                }
                stop.set(true);
              } else {
                statuses[i] = st;
              }
            },
            stop);
    if (error[0] != null) {
      throw new SchedulingError(error[0].message());
    }
    int rejected = 0;
    for (int i = 0; i < n; i++) {
      Status st = statuses[i];
      if (st != null) {
        rejected++;
        diagnosis.nodeToStatus().set(nodes.get((startIndex + i) % n).name(), st);
        if (st.plugin() != null) {
          if (st.code() == Status.Code.PENDING) {
            diagnosis.pendingPlugins().add(st.plugin());
          } else {
            diagnosis.unschedulablePlugins().add(st.plugin());
          }
        }
      }
    }
    int k = Math.min(found.get(), toFind);
    nextStartNodeIndex = (startIndex + k + rejected) % numAllNodes;
    List<NodeInfo> out = new java.util.ArrayList<>(k);
    for (int i = 0; i < k; i++) {
      if (feasible[i] != null) {
        out.add(feasible[i]);
      }
    }
    return out;
  }

  /**
   * Upstream's {@code numFeasibleNodesToFind}: all nodes below 100; otherwise the percentage
   * (adaptive when 0: 50% minus 1% per 125 nodes, at least 5%), at least 100 nodes.
   */
  static int numFeasibleNodesToFind(int percentage, int numAllNodes) {
    if (numAllNodes < 100) {
      return numAllNodes;
    }
    int pct = percentage;
    if (pct == 0) {
      pct = 50 - numAllNodes / 125;
      if (pct < 5) {
        pct = 5;
      }
    }
    int num = (int) ((long) numAllNodes * pct / 100);
    return Math.max(num, 100);
  }

  private long[] prioritizeNodes(
      FrameworkImpl fwk, CycleState state, PodInfo pod, List<NodeInfo> nodes)
      throws SchedulingError {
    if (!fwk.hasScorePlugins()) {
      long[] ones = new long[nodes.size()];
      java.util.Arrays.fill(ones, 1);
      return ones;
    }
    Status s = fwk.runPreScorePlugins(state, pod, nodes);
    if (!s.isSuccess()) {
      throw new SchedulingError(s.message());
    }
    try {
      return fwk.runScorePlugins(state, pod, nodes);
    } catch (FrameworkImpl.ScoreException e) {
      throw new SchedulingError(e.getMessage());
    }
  }

  /** A node with the highest score, ties broken at random (reservoir sampling, as upstream). */
  private String selectHost(List<NodeInfo> nodes, long[] scores) {
    int selected = 0;
    long max = scores[0];
    int ties = 1;
    for (int i = 1; i < scores.length; i++) {
      if (scores[i] > max) {
        max = scores[i];
        selected = i;
        ties = 1;
      } else if (scores[i] == max) {
        ties++;
        if (random.nextInt(ties) == 0) {
          selected = i;
        }
      }
    }
    return nodes.get(selected).name();
  }

  // ---- the binding cycle ----

  private void bindingCycle(
      FrameworkImpl fwk,
      CycleState state,
      QueuedPodInfo qp,
      PodInfo assumed,
      String node,
      long cycle) {
    Status s = fwk.waitOnPermit(assumed);
    if (s.isSuccess()) {
      s = fwk.runPreBindPlugins(state, assumed, node);
    }
    if (s.isSuccess()) {
      s = fwk.runBindPlugins(state, assumed, node);
      if (s.isSkip()) {
        s = Status.error("bind plugins skipped the pod");
      }
    }
    if (!s.isSuccess()) {
      fwk.runReservePluginsUnreserve(state, assumed, node);
      cache.forgetPod(assumed);
      queue.moveAllToActiveOrBackoffQueue(ClusterEvent.ASSIGNED_POD_DELETE, assumed.pod(), null);
      metrics.bindingFailure();
      log.debug("binding {} to {} failed: {}", assumed.key(), node, s.message());
      Status failure = s.isRejected() ? s : Status.error("Binding rejected: " + s.message());
      fail(qp, cycle, failure, diagnosisOf(s), null);
      return;
    }
    cache.finishBinding(assumed);
    metrics.scheduled();
    events.event(
        assumed.pod(),
        "Normal",
        "Scheduled",
        "Binding",
        "Successfully assigned " + assumed.namespace() + "/" + assumed.name() + " to " + node);
    queue.done(assumed.uid());
  }

  // ---- failures ----

  /**
   * Upstream's {@code handleSchedulingFailure}: back to the queue (unless the pod is gone or bound
   * meanwhile), a FailedScheduling event, and the PodScheduled condition with the nominated node.
   */
  private void fail(
      QueuedPodInfo qp, long cycle, Status status, Diagnosis diagnosis, String nominatedNode) {
    PodInfo pod = qp.podInfo();
    boolean unschedulable = status.isRejected();
    String reason = unschedulable ? "Unschedulable" : "SchedulerError";
    String message = status.message();
    if (unschedulable) {
      log.debug("{} is unschedulable: {}", pod.key(), message);
    } else {
      log.info("error scheduling {}, retrying: {}", pod.key(), message);
    }
    Pod latest = objects.pod(pod.namespace(), pod.name());
    if (latest == null || !latest.getMetadata().getUid().equals(pod.uid())) {
      queue.done(pod.uid());
      return;
    }
    if (latest.getSpec().getNodeName() != null && !latest.getSpec().getNodeName().isEmpty()) {
      queue.done(pod.uid());
      return;
    }
    if (diagnosis != null) {
      qp.setUnschedulablePlugins(diagnosis.unschedulablePlugins());
      qp.setPendingPlugins(diagnosis.pendingPlugins());
    } else {
      qp.setUnschedulablePlugins(java.util.Set.of());
      qp.setPendingPlugins(java.util.Set.of());
    }
    queue.addUnschedulableIfNotPresent(qp, cycle);
    if (nominatedNode != null) {
      if (nominatedNode.isEmpty()) {
        queue.deleteNominatedPodIfExists(pod);
      } else {
        queue.addNominatedPod(pod, nominatedNode);
      }
    }
    events.event(latest, "Warning", "FailedScheduling", "Scheduling", truncate(message));
    conditions.markUnschedulable(latest, reason, message, nominatedNode);
  }

  private static String truncate(String m) {
    if (m.length() <= MAX_EVENT_MESSAGE) {
      return m;
    }
    String suffix = " ...";
    return m.substring(0, MAX_EVENT_MESSAGE - suffix.length()) + suffix;
  }
}
