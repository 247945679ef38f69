package io.k8j.scheduler.queue;

import io.fabric8.kubernetes.api.model.Pod;
import io.k8j.common.Clock;
import io.k8j.scheduler.framework.ClusterEvent;
import io.k8j.scheduler.framework.PodInfo;
import io.k8j.scheduler.framework.PodNominator;
import io.k8j.scheduler.framework.QueueSortPlugin;
import io.k8j.scheduler.framework.QueuedPodInfo;
import io.k8j.scheduler.framework.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pods waiting to be scheduled, as upstream's {@code PriorityQueue}: an active queue ordered by
 * the queue sort plugin, a backoff queue ordered by when each pod's backoff ends (initial backoff
 * doubling per attempt up to the maximum), and the unschedulable pods, which wait for a cluster
 * event that may make them fit (or for {@code podMaxInUnschedulablePodsDuration}). Also the
 * nominator: the pods nominated to nodes by preemption.
 *
 * <p>Thread-safe. {@link #flushBackoffCompleted} and {@link #flushUnschedulableLeftover} are called
 * periodically by the scheduler (every second and every 30 seconds, as upstream).
 */
public final class SchedulingQueue implements PodNominator {
  private static final Logger log = LoggerFactory.getLogger(SchedulingQueue.class);

  private final Clock clock;
  private final QueueingPolicy policy;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Duration maxInUnschedulable;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Heap<QueuedPodInfo> activeQ;
  private final Heap<QueuedPodInfo> backoffQ;
  private final Map<String, QueuedPodInfo> unschedulable = new LinkedHashMap<>();
  private final Set<String> inFlight = new HashSet<>();
  private final Map<String, List<PodInfo>> nominatedByNode = new HashMap<>();
  private final Map<String, String> nominatedNodeOf = new HashMap<>();
  private long schedulingCycle;
  private long moveRequestCycle = -1;
  private boolean closed;

  public SchedulingQueue(
      Clock clock,
      QueueSortPlugin sort,
      QueueingPolicy policy,
      Duration initialBackoff,
      Duration maxBackoff,
      Duration maxInUnschedulable) {
    this.clock = clock;
    this.policy = policy;
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
    this.maxInUnschedulable = maxInUnschedulable;
    Comparator<QueuedPodInfo> bySort = (a, b) -> sort.less(a, b) ? -1 : sort.less(b, a) ? 1 : 0;
    this.activeQ = new Heap<>(q -> q.podInfo().uid(), bySort);
    this.backoffQ = new Heap<>(q -> q.podInfo().uid(), Comparator.comparing(this::backoffExpiry));
  }

  // ---- adding and popping ----

  /** A new unscheduled pod: into the active queue, or aside when a pre-enqueue plugin gates it. */
  public void add(PodInfo pod) {
    lock.lock();
    try {
      String uid = pod.uid();
      QueuedPodInfo qp = newQueued(pod);
      backoffQ.remove(uid);
      unschedulable.remove(uid);
      addNominated(pod, null);
      moveToActiveOrGate(qp, "PodAdd");
    } finally {
      lock.unlock();
    }
  }

  /**
   * The next pod to schedule, in queue sort order; blocks until there is one.
   *
   * @return null once the queue is closed
   */
  public QueuedPodInfo pop() throws InterruptedException {
    lock.lock();
    try {
      while (activeQ.isEmpty() && !closed) {
        notEmpty.await();
      }
      if (closed) {
        return null;
      }
      return popLocked();
    } finally {
      lock.unlock();
    }
  }

  /** Like {@link #pop()} but gives up after {@code timeout}, returning null. */
  public QueuedPodInfo pop(Duration timeout) throws InterruptedException {
    lock.lock();
    try {
      long nanos = timeout.toNanos();
      while (activeQ.isEmpty() && !closed) {
        if (nanos <= 0) {
          return null;
        }
        nanos = notEmpty.awaitNanos(nanos);
      }
      if (closed) {
        return null;
      }
      return popLocked();
    } finally {
      lock.unlock();
    }
  }

  private QueuedPodInfo popLocked() {
    QueuedPodInfo qp = activeQ.pop();
    schedulingCycle++;
    qp.incrementAttempts();
    if (qp.initialAttemptTimestamp() == null) {
      qp.setInitialAttemptTimestamp(clock.now());
    }
    inFlight.add(qp.podInfo().uid());
    return qp;
  }

  /** The scheduling cycle of the last pop: compare with the one a failed pod was tried in. */
  public long schedulingCycle() {
    lock.lock();
    try {
      return schedulingCycle;
    } finally {
      lock.unlock();
    }
  }

  /** The scheduling of a popped pod is over (bound, or back in the queue). */
  public void done(String uid) {
    lock.lock();
    try {
      inFlight.remove(uid);
    } finally {
      lock.unlock();
    }
  }

  /**
   * A popped pod did not fit (or failed). It waits among the unschedulable pods for an event that
   * concerns the plugins that rejected it, unless such a move request came during its cycle or it
   * failed on an error: then it is retried after its backoff.
   *
   * @param podSchedulingCycle {@link #schedulingCycle()} when the pod was popped
   */
  public void addUnschedulableIfNotPresent(QueuedPodInfo qp, long podSchedulingCycle) {
    lock.lock();
    try {
      String uid = qp.podInfo().uid();
      inFlight.remove(uid);
      if (activeQ.contains(uid) || backoffQ.contains(uid) || unschedulable.containsKey(uid)) {
        return;
      }
      qp.setTimestamp(clock.now());
      addNominated(qp.podInfo(), null);
      boolean error = qp.unschedulablePlugins().isEmpty() && qp.pendingPlugins().isEmpty();
      if (error || moveRequestCycle >= podSchedulingCycle) {
        requeue(qp, "ScheduleAttemptFailure");
      } else {
        unschedulable.put(uid, qp);
      }
    } finally {
      lock.unlock();
    }
  }

  // ---- informer updates ----

  /** An unscheduled pod changed. */
  public void update(PodInfo oldPod, PodInfo newPod) {
    lock.lock();
    try {
      String uid = newPod.uid();
      updateNominated(oldPod, newPod);
      QueuedPodInfo qp = activeQ.get(uid);
      if (qp != null) {
        qp.setPodInfo(newPod);
        activeQ.addOrUpdate(qp);
        return;
      }
      qp = backoffQ.get(uid);
      if (qp != null) {
        qp.setPodInfo(newPod);
        backoffQ.addOrUpdate(qp);
        return;
      }
      qp = unschedulable.get(uid);
      if (qp != null) {
        qp.setPodInfo(newPod);
        if (oldPod != null && !specOrLabelsChanged(oldPod.pod(), newPod.pod())) {
          return;
        }
        unschedulable.remove(uid);
        if (qp.gated()) {
          moveToActiveOrGate(qp, "PodUpdate");
        } else {
          requeue(qp, "PodUpdate");
        }
        return;
      }
      if (inFlight.contains(uid)) {
        moveRequestCycle = schedulingCycle;
        return;
      }
      QueuedPodInfo fresh = newQueued(newPod);
      moveToActiveOrGate(fresh, "PodUpdate");
    } finally {
      lock.unlock();
    }
  }

  /** An unscheduled pod was deleted, or got bound. */
  public void delete(PodInfo pod) {
    lock.lock();
    try {
      String uid = pod.uid();
      deleteNominated(pod);
      activeQ.remove(uid);
      backoffQ.remove(uid);
      unschedulable.remove(uid);
    } finally {
      lock.unlock();
    }
  }

  /**
   * A cluster event: moves the unschedulable pods it may concern (by the events their rejecting
   * plugins registered, and those plugins' hints) to the active or backoff queue.
   */
  public void moveAllToActiveOrBackoffQueue(ClusterEvent event, Object oldObj, Object newObj) {
    lock.lock();
    try {
      moveRequestCycle = schedulingCycle;
      if (unschedulable.isEmpty()) {
        return;
      }
      List<QueuedPodInfo> moving = new ArrayList<>();
      for (QueuedPodInfo qp : unschedulable.values()) {
        if (worthRequeuing(qp, event, oldObj, newObj)) {
          moving.add(qp);
        }
      }
      for (QueuedPodInfo qp : moving) {
        unschedulable.remove(qp.podInfo().uid());
        if (qp.gated()) {
          moveToActiveOrGate(qp, event.label());
        } else {
          requeue(qp, event.label());
        }
      }
      if (!moving.isEmpty()) {
        log.debug("{} moved {} unschedulable pods", event.label(), moving.size());
      }
    } finally {
      lock.unlock();
    }
  }

  private boolean worthRequeuing(
      QueuedPodInfo qp, ClusterEvent event, Object oldObj, Object newObj) {
    if (event.resource() == ClusterEvent.EventResource.WILDCARD) {
      return true;
    }
    Set<String> rejectors = new HashSet<>(qp.unschedulablePlugins());
    rejectors.addAll(qp.pendingPlugins());
    if (qp.gated()) {
      rejectors.add(qp.gatingPlugin());
    }
    if (rejectors.isEmpty()) {
      return true;
    }
    for (String plugin : rejectors) {
      List<ClusterEvent.WithHint> registered = policy.eventsFor(qp.podInfo(), plugin);
      if (registered == null) {
        return true;
      }
      for (ClusterEvent.WithHint h : registered) {
        if (!event.matches(h.event())) {
          continue;
        }
        if (h.hint() == null) {
          return true;
        }
        try {
          if (h.hint().hint(qp.podInfo(), oldObj, newObj) == ClusterEvent.QueueingHint.QUEUE) {
            return true;
          }
        } catch (RuntimeException e) {
          log.debug("queueing hint of {} failed; requeueing {}", plugin, qp, e);
          return true;
        }
      }
    }
    return false;
  }

  // ---- periodic flushes ----

  /** Moves the pods whose backoff has ended to the active queue. */
  public void flushBackoffCompleted() {
    lock.lock();
    try {
      Instant now = clock.now();
      boolean moved = false;
      while (!backoffQ.isEmpty() && !backoffExpiry(backoffQ.peek()).isAfter(now)) {
        QueuedPodInfo qp = backoffQ.pop();
        activeQ.addOrUpdate(qp);
        moved = true;
      }
      if (moved) {
        notEmpty.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Tries again the pods that have been unschedulable for longer than the maximum. */
  public void flushUnschedulableLeftover() {
    lock.lock();
    try {
      Instant now = clock.now();
      List<QueuedPodInfo> old = new ArrayList<>();
      for (QueuedPodInfo qp : unschedulable.values()) {
        if (!qp.timestamp().plus(maxInUnschedulable).isAfter(now)) {
          old.add(qp);
        }
      }
      for (QueuedPodInfo qp : old) {
        unschedulable.remove(qp.podInfo().uid());
        if (qp.gated()) {
          moveToActiveOrGate(qp, ClusterEvent.UNSCHEDULABLE_TIMEOUT.label());
        } else {
          requeue(qp, ClusterEvent.UNSCHEDULABLE_TIMEOUT.label());
        }
      }
    } finally {
      lock.unlock();
    }
  }

  // ---- moves ----

  private QueuedPodInfo newQueued(PodInfo pod) {
    return new QueuedPodInfo(pod, clock.now(), clock.nanoTime());
  }

  /** Into the active queue unless a pre-enqueue plugin gates it. Lock held. */
  private void moveToActiveOrGate(QueuedPodInfo qp, String event) {
    Status s = policy.preEnqueue(qp.podInfo());
    if (!s.isSuccess()) {
      qp.setGatingPlugin(s.plugin() == null ? "PreEnqueue" : s.plugin());
      unschedulable.put(qp.podInfo().uid(), qp);
      log.debug("pod {} gated by {}: {}", qp, qp.gatingPlugin(), s.message());
      return;
    }
    qp.setGatingPlugin(null);
    activeQ.addOrUpdate(qp);
    notEmpty.signalAll();
  }

  /** To the backoff queue while backing off, else to the active queue. Lock held. */
  private void requeue(QueuedPodInfo qp, String event) {
    if (backoffExpiry(qp).isAfter(clock.now())) {
      backoffQ.addOrUpdate(qp);
    } else {
      activeQ.addOrUpdate(qp);
      notEmpty.signalAll();
    }
  }

  /** When the pod's backoff ends: its last queueing time plus the doubled backoff. */
  Instant backoffExpiry(QueuedPodInfo qp) {
    return qp.timestamp().plus(backoffDuration(qp.attempts()));
  }

  /** Upstream's {@code calculateBackoffDuration}: initial, doubled per attempt, capped. */
  public Duration backoffDuration(int attempts) {
    Duration d = initialBackoff;
    for (int i = 1; i < attempts; i++) {
      d = d.multipliedBy(2);
      if (d.compareTo(maxBackoff) > 0) {
        return maxBackoff;
      }
    }
    return d;
  }

  private static boolean specOrLabelsChanged(Pod a, Pod b) {
    return !Objects.equals(a.getSpec(), b.getSpec())
        || !Objects.equals(a.getMetadata().getLabels(), b.getMetadata().getLabels())
        || !Objects.equals(a.getMetadata().getAnnotations(), b.getMetadata().getAnnotations());
  }

  // ---- nominator ----

  /**
   * Records the pod's nomination: {@code node} if given, else its {@code status.nominatedNodeName}.
   */
  public void addNominatedPod(PodInfo pod, String node) {
    lock.lock();
    try {
      addNominated(pod, node);
    } finally {
      lock.unlock();
    }
  }

  public void deleteNominatedPodIfExists(PodInfo pod) {
    lock.lock();
    try {
      deleteNominated(pod);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<PodInfo> nominatedPodsForNode(String nodeName) {
    lock.lock();
    try {
      List<PodInfo> l = nominatedByNode.get(nodeName);
      return l == null ? List.of() : List.copyOf(l);
    } finally {
      lock.unlock();
    }
  }

  /** The node the pod is nominated to, or null. */
  public String nominatedNodeOf(String uid) {
    lock.lock();
    try {
      return nominatedNodeOf.get(uid);
    } finally {
      lock.unlock();
    }
  }

  private void addNominated(PodInfo pod, String node) {
    String n = node;
    if (n == null) {
      String s =
          pod.pod().getStatus() == null ? null : pod.pod().getStatus().getNominatedNodeName();
      String known = nominatedNodeOf.get(pod.uid());
      n = s != null && !s.isEmpty() ? s : known;
    }
    deleteNominated(pod);
    if (n == null || n.isEmpty() || !pod.nodeName().isEmpty()) {
      return;
    }
    nominatedNodeOf.put(pod.uid(), n);
    nominatedByNode.computeIfAbsent(n, k -> new ArrayList<>()).add(pod);
  }

  private void updateNominated(PodInfo oldPod, PodInfo newPod) {
    String known = nominatedNodeOf.get(newPod.uid());
    String fromStatus =
        newPod.pod().getStatus() == null ? null : newPod.pod().getStatus().getNominatedNodeName();
    if (fromStatus != null && !fromStatus.isEmpty()) {
      addNominated(newPod, fromStatus);
    } else if (known != null) {
      addNominated(newPod, known);
    }
  }

  private void deleteNominated(PodInfo pod) {
    String n = nominatedNodeOf.remove(pod.uid());
    if (n == null) {
      return;
    }
    List<PodInfo> l = nominatedByNode.get(n);
    if (l != null) {
      l.removeIf(p -> p.uid().equals(pod.uid()));
      if (l.isEmpty()) {
        nominatedByNode.remove(n);
      }
    }
  }

  // ---- lifecycle and inspection ----

  public void close() {
    lock.lock();
    try {
      closed = true;
      notEmpty.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Sizes of the sub-queues, for logs and tests. */
  public record Sizes(int active, int backoff, int unschedulable, int inFlight) {}

  public Sizes sizes() {
    lock.lock();
    try {
      return new Sizes(activeQ.size(), backoffQ.size(), unschedulable.size(), inFlight.size());
    } finally {
      lock.unlock();
    }
  }

  /** Where the pod is: "active", "backoff", "unschedulable", "inflight" or null. */
  public String whereIs(String uid) {
    lock.lock();
    try {
      if (activeQ.contains(uid)) {
        return "active";
      }
      if (backoffQ.contains(uid)) {
        return "backoff";
      }
      if (unschedulable.containsKey(uid)) {
        return "unschedulable";
      }
      if (inFlight.contains(uid)) {
        return "inflight";
      }
      return null;
    } finally {
      lock.unlock();
    }
  }
}
