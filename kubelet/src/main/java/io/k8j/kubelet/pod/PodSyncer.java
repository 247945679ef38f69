package io.k8j.kubelet.pod;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.k8j.common.Clock;
import io.k8j.kubelet.events.EventRecorder;
import io.k8j.kubelet.events.Reasons;
import io.k8j.kubelet.kuberuntime.Labels;
import io.k8j.kubelet.kuberuntime.PodActions;
import io.k8j.kubelet.kuberuntime.PodRuntimeState;
import io.k8j.kubelet.kuberuntime.RuntimeManager;
import io.k8j.kubelet.kuberuntime.RuntimeStateReader;
import io.k8j.kubelet.kuberuntime.WaitingReasons;
import io.k8j.kubelet.prober.ProberManager;
import io.k8j.kubelet.status.PodStatusGenerator;
import io.k8j.kubelet.status.StatusManager;
import io.k8j.kubelet.util.Json;
import io.k8j.kubelet.volume.MountException;
import io.k8j.kubelet.volume.VolumeManager;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What a pod worker does at each turn (upstream's {@code SyncPod}, {@code SyncTerminatingPod} and
 * {@code SyncTerminatedPod}): read the runtime's state of the pod, report its status, set up its
 * volumes, compute and apply the actions that bring it to its spec; kill it; clean up after it.
 */
public final class PodSyncer implements PodSyncHandler {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PodSyncer.class);

  /** The result of syncing a running pod. */
  public record Outcome(boolean finished, Instant nextWake) {}

  private final RuntimeStateReader reader;
  private final RuntimeManager runtime;
  private final VolumeManager volumes;
  private final ProberManager probers;
  private final PodStatusGenerator generator;
  private final StatusManager statuses;
  private final PodManager pods;
  private final EventRecorder events;
  private final Clock clock;
  private final Supplier<String> hostIp;
  private final Consumer<Pod> mirrors;
  private final Consumer<Pod> deleter;
  private final boolean volumesEnabled;

  /**
   * @param mirrors makes sure a static pod has its mirror pod
   * @param deleter removes a pod from the API server once it terminated (grace period 0)
   */
  public PodSyncer(
      RuntimeStateReader reader,
      RuntimeManager runtime,
      VolumeManager volumes,
      ProberManager probers,
      PodStatusGenerator generator,
      StatusManager statuses,
      PodManager pods,
      EventRecorder events,
      Clock clock,
      Supplier<String> hostIp,
      Consumer<Pod> mirrors,
      Consumer<Pod> deleter,
      boolean volumesEnabled) {
    this.reader = reader;
    this.runtime = runtime;
    this.volumes = volumes;
    this.probers = probers;
    this.generator = generator;
    this.statuses = statuses;
    this.pods = pods;
    this.events = events;
    this.clock = clock;
    this.hostIp = hostIp;
    this.mirrors = mirrors;
    this.deleter = deleter;
    this.volumesEnabled = volumesEnabled;
  }

  @Override
  public Outcome syncPod(Pod pod, WaitingReasons reasons) {
    log.debug("syncing pod {}", pod.getMetadata().getName());
    if (PodManager.isStatic(pod)) {
      mirrors.accept(pod);
    }
    PodRuntimeState state = reader.read(pod.getMetadata().getUid());
    probers.addPod(pod);
    PodStatus status = report(pod, state, reasons, false);
    if (terminal(status)) {
      return new Outcome(true, null);
    }
    Map<String, Path> volumeDirs = Map.of();
    if (volumesEnabled) {
      try {
        volumeDirs = volumes.setUp(pod, state.podIps(), hostIp.get());
      } catch (MountException e) {
        events.warning(pod, null, Reasons.FAILED_MOUNT, e.getMessage());
        return new Outcome(false, clock.now().plus(Duration.ofSeconds(2)));
      }
    }
    PodActions actions = PodActions.compute(pod, state, probers.results(), Labels::hash);
    RuntimeManager.SyncResult r = runtime.syncPod(pod, state, actions, volumeDirs, reasons);
    if (r.changed()) {
      state = reader.read(pod.getMetadata().getUid());
      status = report(pod, state, reasons, false);
      if (terminal(status)) {
        return new Outcome(true, null);
      }
    }
    runtime.garbageCollect(state, false);
    log.debug("synced pod {}, next wake {}", pod.getMetadata().getName(), r.nextWake());
    return new Outcome(false, r.nextWake());
  }

  @Override
  public void syncTerminatingPod(Pod pod, WaitingReasons reasons) {
    String uid = pod.getMetadata().getUid();
    probers.removePod(uid);
    PodRuntimeState state = reader.read(uid);
    runtime.killPod(pod, state, null);
    state = reader.read(uid);
    report(pod, state, reasons, true);
  }

  /**
   * After the pod's containers stopped: its volumes go; a deleted pod is removed from the API
   * server; once it is gone there, its containers and sandboxes are removed too.
   */
  @Override
  public void syncTerminatedPod(Pod pod, boolean removed) {
    String uid = pod.getMetadata().getUid();
    if (volumesEnabled) {
      volumes.tearDown(uid);
    }
    if (removed) {
      runtime.garbageCollect(reader.read(uid), true);
      statuses.remove(uid);
      return;
    }
    if (pod.getMetadata().getDeletionTimestamp() != null && !PodManager.isStatic(pod)) {
      deleter.accept(pod);
    }
  }

  private PodStatus report(
      Pod pod, PodRuntimeState state, WaitingReasons reasons, boolean terminal) {
    Pod withOld = withPreviousStatus(pod);
    PodStatus status =
        generator.generate(
            withOld, state, reasons, probers.results(), hostIp.get(), terminal, clock.now());
    statuses.set(pod, status);
    return status;
  }

  /**
   * The pod with the status its next one is derived from: the kubelet's own last status, with the
   * conditions other components own (PodScheduled, ...) from the API server's copy.
   */
  private Pod withPreviousStatus(Pod pod) {
    Pod api = pods.apiPod(pod).orElse(pod);
    PodStatus apiStatus = api.getStatus() == null ? new PodStatus() : api.getStatus();
    PodStatus mine = statuses.get(pod.getMetadata().getUid()).orElse(null);
    PodStatus base;
    if (mine == null) {
      base = apiStatus;
    } else {
      base = Json.copy(mine);
      List<PodCondition> conds = new ArrayList<>();
      if (mine.getConditions() != null) {
        mine.getConditions().stream()
            .filter(c -> PodStatusGenerator.KUBELET_CONDITIONS.contains(c.getType()))
            .forEach(conds::add);
      }
      if (apiStatus.getConditions() != null) {
        apiStatus.getConditions().stream()
            .filter(c -> !PodStatusGenerator.KUBELET_CONDITIONS.contains(c.getType()))
            .forEach(conds::add);
      }
      base.setConditions(conds);
      if (apiStatus.getReason() != null) {
        base.setReason(apiStatus.getReason());
        base.setMessage(apiStatus.getMessage());
      }
    }
    Pod copy = new Pod(pod.getApiVersion(), pod.getKind(), pod.getMetadata(), pod.getSpec(), base);
    return copy;
  }

  private static boolean terminal(PodStatus s) {
    return "Succeeded".equals(s.getPhase()) || "Failed".equals(s.getPhase());
  }
}
