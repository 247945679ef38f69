package io.k8j.kubelet.pod;

import io.fabric8.kubernetes.api.model.Pod;
import io.k8j.common.Clock;
import io.k8j.kubelet.kuberuntime.WaitingReasons;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker per pod (upstream's pod workers), each on its own virtual thread, moving the pod
 * through an explicit state machine:
 *
 * <pre>
 *   SYNCING --(deleted, removed, or finished)--> TERMINATING --(all stopped)--> TERMINATED
 *   TERMINATED --(removed from the API)--> worker ends
 * </pre>
 *
 * A worker syncs when told (pod update, lifecycle event, probe result), when the time it asked for
 * comes (a back-off ending), and at least every resync period. Syncs of one pod never overlap;
 * signals that arrive during a sync coalesce into one more sync.
 */
public final class PodWorkers implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PodWorkers.class);

  /** The legal states of a pod worker; transitions only go forward. */
  public enum State {
    SYNCING,
    TERMINATING,
    TERMINATED
  }

  private final PodSyncHandler syncer;
  private final Clock clock;
  private final Duration resync;
  private final Map<String, Worker> workers = new ConcurrentHashMap<>();
  private volatile boolean closed;

  public PodWorkers(PodSyncHandler syncer, Clock clock, Duration resync) {
    this.syncer = syncer;
    this.clock = clock;
    this.resync = resync;
  }

  /** The desired pod was added or changed. */
  public void update(Pod pod) {
    if (closed) {
      return;
    }
    String uid = pod.getMetadata().getUid();
    Worker w =
        workers.computeIfAbsent(
            uid,
            u -> {
              Worker nw = new Worker(u, pod);
              nw.thread =
                  Thread.ofVirtual().name("pod-" + pod.getMetadata().getName()).unstarted(nw::run);
              return nw;
            });
    w.signal(pod, false);
    if (w.thread.getState() == Thread.State.NEW) {
      synchronized (w) {
        if (w.thread.getState() == Thread.State.NEW) {
          w.thread.start();
        }
      }
    }
  }

  /** The pod is gone from the API server (or its manifest was removed). */
  public void remove(String uid) {
    Worker w = workers.get(uid);
    if (w != null) {
      w.signal(null, true);
    }
  }

  /** Something about the pod changed in the runtime or its probes; sync it soon. */
  public void sync(String uid) {
    Worker w = workers.get(uid);
    if (w != null) {
      w.signal(null, false);
    }
  }

  public boolean has(String uid) {
    return workers.containsKey(uid);
  }

  public Set<String> uids() {
    return Set.copyOf(workers.keySet());
  }

  public State state(String uid) {
    Worker w = workers.get(uid);
    return w == null ? null : w.state;
  }

  @Override
  public void close() {
    closed = true;
    for (Worker w : workers.values()) {
      w.thread.interrupt();
    }
    for (Worker w : workers.values()) {
      try {
        w.thread.join(Duration.ofSeconds(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private final class Worker {
    final String uid;
    final ReentrantLock lock = new ReentrantLock();
    final Condition wake = lock.newCondition();
    final WaitingReasons reasons = new WaitingReasons();
    Thread thread;
    Pod pod;
    boolean removed;
    boolean pending = true;
    Instant wakeAt;
    volatile State state = State.SYNCING;
    int failures;

    Worker(String uid, Pod pod) {
      this.uid = uid;
      this.pod = pod;
    }

    void signal(Pod newPod, boolean remove) {
      lock.lock();
      try {
        if (newPod != null) {
          pod = newPod;
        }
        if (remove) {
          removed = true;
        }
        pending = true;
        wake.signal();
      } finally {
        lock.unlock();
      }
    }

    void run() {
      try {
        while (!closed) {
          Pod p;
          boolean gone;
          lock.lock();
          try {
            Instant until = wakeAt == null ? clock.now().plus(resync) : wakeAt;
            while (!pending && !closed) {
              if (wakeAt != null && wakeAt.isBefore(until)) {
                until = wakeAt;
              }
              long nanos = Duration.between(clock.now(), until).toNanos();
              if (nanos <= 0) {
                break;
              }
              wake.awaitNanos(nanos);
            }
            pending = false;
            wakeAt = null;
            p = pod;
            gone = removed;
          } finally {
            lock.unlock();
          }
          if (closed) {
            return;
          }
          if (step(p, gone)) {
            workers.remove(uid, this);
            return;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** One turn of the state machine; true when the worker is done for good. */
    boolean step(Pod p, boolean gone) {
      try {
        if (state == State.SYNCING) {
          if (gone || p.getMetadata().getDeletionTimestamp() != null) {
            state = State.TERMINATING;
          } else {
            PodSyncer.Outcome o = syncer.syncPod(p, reasons);
            if (o.finished()) {
              state = State.TERMINATING;
            } else {
              scheduleAt(o.nextWake());
              failures = 0;
              return false;
            }
          }
        }
        if (state == State.TERMINATING) {
          syncer.syncTerminatingPod(p, reasons);
          state = State.TERMINATED;
        }
        syncer.syncTerminatedPod(p, gone);
        failures = 0;
        return gone;
      } catch (RuntimeException | LinkageError | AssertionError | StackOverflowError e) {
        // Whatever one sync throws, the worker lives on (as upstream's pod workers recover from a
        // panic): a worker that died would leave its pod unsynced for good.
        failures++;
        Duration retry = Duration.ofMillis(Math.min(10_000, 250L << Math.min(failures, 6)));
        log.warn(
            "error syncing pod {} ({}), retrying in {} ms: {}",
            p.getMetadata().getName(),
            state,
            retry.toMillis(),
            e.toString());
        if (e instanceof RuntimeException) {
          log.debug("sync failure", e);
        } else {
          log.error("sync failure", e);
        }
        scheduleAt(clock.now().plus(retry));
        return false;
      }
    }

    void scheduleAt(Instant at) {
      lock.lock();
      try {
        if (at != null && (wakeAt == null || at.isBefore(wakeAt))) {
          wakeAt = at;
        }
      } finally {
        lock.unlock();
      }
    }
  }
}
