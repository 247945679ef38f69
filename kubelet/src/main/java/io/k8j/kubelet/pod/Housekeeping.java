package io.k8j.kubelet.pod;

import io.fabric8.kubernetes.api.model.Pod;
import io.k8j.common.Clock;
import io.k8j.kubelet.config.MirrorPods;
import io.k8j.kubelet.kuberuntime.PodRuntimeState;
import io.k8j.kubelet.kuberuntime.RuntimeManager;
import io.k8j.kubelet.kuberuntime.RuntimeStateReader;
import io.k8j.kubelet.pleg.Pleg;
import io.k8j.kubelet.util.BackOff;
import io.k8j.kubelet.volume.VolumeManager;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Periodic clean-up (upstream's {@code HandlePodCleanups}): kills and removes what the runtime runs
 * for pods this node no longer has (deleted while the kubelet was down), removes their volumes,
 * deletes mirror pods whose static pod is gone, forgets expired back-offs. Started only once the
 * node's pods are known, so that nothing of a restarted kubelet's pods is taken for an orphan.
 */
public final class Housekeeping implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Housekeeping.class);

  private final PodManager pods;
  private final PodWorkers workers;
  private final Pleg pleg;
  private final RuntimeStateReader reader;
  private final RuntimeManager runtime;
  private final VolumeManager volumes;
  private final MirrorPods mirrors;
  private final List<BackOff> backOffs;
  private final Clock clock;
  private final Duration period;
  private final boolean volumesEnabled;
  private volatile boolean closed;
  private Thread thread;

  public Housekeeping(
      PodManager pods,
      PodWorkers workers,
      Pleg pleg,
      RuntimeStateReader reader,
      RuntimeManager runtime,
      VolumeManager volumes,
      MirrorPods mirrors,
      List<BackOff> backOffs,
      Clock clock,
      Duration period,
      boolean volumesEnabled) {
    this.pods = pods;
    this.workers = workers;
    this.pleg = pleg;
    this.reader = reader;
    this.runtime = runtime;
    this.volumes = volumes;
    this.mirrors = mirrors;
    this.backOffs = backOffs;
    this.clock = clock;
    this.period = period;
    this.volumesEnabled = volumesEnabled;
  }

  public void start() {
    thread = Thread.ofVirtual().name("housekeeping").start(this::run);
  }

  private void run() {
    while (!closed) {
      try {
        once();
      } catch (RuntimeException e) {
        log.warn("housekeeping failed: {}", e.toString());
      }
      try {
        clock.sleep(period);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  public void once() {
    // the PLEG's latest listing (at most one relist period old), not one more listing of its own
    Set<String> inRuntime = pleg.podUids();
    for (String uid : inRuntime) {
      if (!pods.contains(uid) && !workers.has(uid)) {
        PodRuntimeState state = reader.read(uid);
        if (state.anyRunning()
            || state.sandboxes().stream().anyMatch(PodRuntimeState.Sandbox::ready)) {
          log.info("killing orphaned pod {}", uid);
          runtime.killPod(null, state, null);
          state = reader.read(uid);
        }
        runtime.garbageCollect(state, true);
      }
    }
    if (volumesEnabled) {
      for (String uid : volumes.podsOnDisk()) {
        if (!pods.contains(uid) && !workers.has(uid) && !inRuntime.contains(uid)) {
          volumes.tearDown(uid);
        }
      }
    }
    for (Pod mirror : pods.mirrors()) {
      boolean hasStatic =
          pods.all().stream()
              .anyMatch(
                  p ->
                      PodManager.isStatic(p)
                          && p.getMetadata().getName().equals(mirror.getMetadata().getName())
                          && p.getMetadata()
                              .getNamespace()
                              .equals(mirror.getMetadata().getNamespace()));
      if (!hasStatic) {
        mirrors.delete(mirror);
      }
    }
    backOffs.forEach(BackOff::gc);
  }

  @Override
  public void close() {
    closed = true;
    if (thread != null) {
      thread.interrupt();
    }
  }
}
