package io.k8j.kubelet.kuberuntime;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.k8j.common.Clock;
import io.k8j.cri.v1.Capability;
import io.k8j.cri.v1.ContainerConfig;
import io.k8j.cri.v1.ContainerMetadata;
import io.k8j.cri.v1.ImageSpec;
import io.k8j.cri.v1.Int64Value;
import io.k8j.cri.v1.KeyValue;
import io.k8j.cri.v1.LinuxContainerConfig;
import io.k8j.cri.v1.LinuxContainerSecurityContext;
import io.k8j.cri.v1.Mount;
import io.k8j.cri.v1.NamespaceMode;
import io.k8j.cri.v1.NamespaceOption;
import io.k8j.cri.v1.PodSandboxConfig;
import io.k8j.kubelet.env.EnvResolver;
import io.k8j.kubelet.env.Expansion;
import io.k8j.kubelet.events.EventRecorder;
import io.k8j.kubelet.events.Reasons;
import io.k8j.kubelet.images.ImageManager;
import io.k8j.kubelet.runtime.ContainerRuntime;
import io.k8j.kubelet.runtime.RuntimeCallException;
import io.k8j.kubelet.status.PodStartupTracker;
import io.k8j.kubelet.util.BackOff;
import io.k8j.kubelet.util.PodNames;
import io.k8j.kubelet.volume.MountException;
import io.k8j.kubelet.volume.VolumeManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@link PodActions} through the runtime (upstream's {@code kubeGenericRuntimeManager}):
 * kills, creates sandboxes, starts containers with crash-loop back-off, runs lifecycle hooks, and
 * records upstream's events.
 */
public final class RuntimeManager {
  private static final Logger log = LoggerFactory.getLogger(RuntimeManager.class);
  public static final String CRASH_LOOP_BACK_OFF = "CrashLoopBackOff";
  static final long MIN_GRACE_SECONDS = 2;

  /** What one sync did: whether anything changed, and when the pod wants to be synced again. */
  public record SyncResult(boolean changed, Instant nextWake) {}

  private final ContainerRuntime runtime;
  private final SandboxConfigs sandboxes;
  private final ImageManager images;
  private final EnvResolver env;
  private final VolumeManager volumes;
  private final LifecycleHandlers hooks;
  private final EventRecorder events;
  private final BackOff crashBackOff;
  private final Clock clock;
  private final Supplier<String> hostIp;
  private final Supplier<Long> memoryCapacity;
  private final PodStartupTracker startups;
  private final RuntimeStateReader reader;

  public RuntimeManager(
      ContainerRuntime runtime,
      SandboxConfigs sandboxes,
      ImageManager images,
      EnvResolver env,
      VolumeManager volumes,
      LifecycleHandlers hooks,
      EventRecorder events,
      BackOff crashBackOff,
      Clock clock,
      Supplier<String> hostIp,
      Supplier<Long> memoryCapacity,
      PodStartupTracker startups) {
    this.runtime = runtime;
    this.sandboxes = sandboxes;
    this.images = images;
    this.env = env;
    this.volumes = volumes;
    this.hooks = hooks;
    this.events = events;
    this.crashBackOff = crashBackOff;
    this.clock = clock;
    this.hostIp = hostIp;
    this.memoryCapacity = memoryCapacity;
    this.startups = startups;
    this.reader = new RuntimeStateReader(runtime);
  }

  public ContainerRuntime runtime() {
    return runtime;
  }

  /** Reads pods' state from this runtime, knowing the addresses of the sandboxes it created. */
  public RuntimeStateReader reader() {
    return reader;
  }

  public SandboxConfigs sandboxConfigs() {
    return sandboxes;
  }

  /** Brings the pod's containers to its spec; {@code volumeDirs} are its set-up volumes. */
  public SyncResult syncPod(
      Pod pod,
      PodRuntimeState state,
      PodActions actions,
      Map<String, Path> volumeDirs,
      WaitingReasons reasons) {
    if (actions.nothing()) {
      return new SyncResult(false, null);
    }
    if (actions.killPod()) {
      killPod(pod, state, null);
    } else {
      for (PodActions.Kill k : actions.toKill()) {
        killContainer(pod, k.instance(), k.container(), k.message(), null);
      }
    }
    if (actions.initFailed() || (!actions.createSandbox() && actions.sandboxId() == null)) {
      return new SyncResult(true, null);
    }
    String sandboxId = actions.sandboxId();
    PodSandboxConfig sandboxConfig = sandboxes.build(pod, actions.attempt());
    List<String> podIps;
    if (actions.createSandbox()) {
      if (actions.attempt() > 0) {
        events.normal(
            pod,
            null,
            Reasons.SANDBOX_CHANGED,
            "Pod sandbox changed, it will be killed and re-created.");
      }
      try {
        Files.createDirectories(Path.of(sandboxConfig.getLogDirectory()));
        sandboxId = runtime.runPodSandbox(sandboxConfig);
        podIps = RuntimeStateReader.ips(runtime.podSandboxStatus(sandboxId).getStatus());
        reader.remember(sandboxId, podIps);
        startups.sandboxReady(pod.getMetadata().getUid());
      } catch (RuntimeCallException | IOException e) {
        events.warning(
            pod,
            null,
            Reasons.FAILED_CREATE_POD_SANDBOX,
            "Failed to create pod sandbox: " + e.getMessage());
        throw new IllegalStateException("failed to create pod sandbox: " + e.getMessage(), e);
      }
    } else {
      sandboxConfig =
          sandboxes.build(
              pod, state.latestSandbox().map(PodRuntimeState.Sandbox::attempt).orElse(0));
      podIps = state.podIps();
    }
    Instant nextWake = null;
    boolean allStarted = true;
    for (PodActions.Start s : actions.toStart()) {
      Container c = s.container();
      // as upstream's doBackOff: the newest instance that exited, even when a newer one was just
      // killed in this sync (a liveness restart), so repeated restarts back off too
      Optional<PodRuntimeState.Instance> last =
          state.instances(c.getName()).stream()
              .filter(PodRuntimeState.Instance::exited)
              .findFirst();
      if (last.isPresent()) {
        String key = backOffKey(pod, c);
        Instant finished = finishedAt(last.get());
        if (crashBackOff.isInBackOffSince(key, finished)) {
          Duration d = crashBackOff.get(key);
          reasons.set(
              c.getName(),
              CRASH_LOOP_BACK_OFF,
              "back-off "
                  + formatDuration(d)
                  + " restarting failed container="
                  + c.getName()
                  + " pod="
                  + PodNames.format(pod));
          events.warning(
              pod,
              fieldPath(c, s.init()),
              Reasons.BACK_OFF,
              "Back-off restarting failed container "
                  + c.getName()
                  + " in pod "
                  + PodNames.format(pod));
          nextWake = earliest(nextWake, finished.plus(d));
          allStarted = false;
          if (s.init()) {
            break;
          }
          continue;
        }
        crashBackOff.next(key, finished);
      }
      boolean ok =
          startContainer(
              pod, c, s.init(), sandboxId, sandboxConfig, podIps, state, volumeDirs, reasons);
      if (!ok) {
        allStarted = false;
        nextWake = earliest(nextWake, images.backOffEnd(pod, c));
        if (s.init()) {
          break;
        }
      } else if (s.init()) {
        allStarted = false;
      }
    }
    if (allStarted && !actions.toStart().isEmpty()) {
      startups.containersStarted(pod.getMetadata().getUid());
    }
    return new SyncResult(true, nextWake);
  }

  private static Instant earliest(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isBefore(b) ? a : b;
  }

  static String backOffKey(Pod pod, Container c) {
    return pod.getMetadata().getUid() + "_" + c.getName();
  }

  static Instant finishedAt(PodRuntimeState.Instance i) {
    long n = i.status().getFinishedAt();
    return n <= 0 ? Instant.EPOCH : Instant.ofEpochSecond(n / 1_000_000_000L, n % 1_000_000_000L);
  }

  /** Upstream prints back-off durations as Go does: {@code 10s}, {@code 1m20s}, {@code 5m0s}. */
  static String formatDuration(Duration d) {
    long s = d.toSeconds();
    if (s < 60) {
      return s + "s";
    }
    return (s / 60) + "m" + (s % 60) + "s";
  }

  static String fieldPath(Container c, boolean init) {
    return (init ? "spec.initContainers{" : "spec.containers{") + c.getName() + "}";
  }

  private boolean startContainer(
      Pod pod,
      Container c,
      boolean init,
      String sandboxId,
      PodSandboxConfig sandboxConfig,
      List<String> podIps,
      PodRuntimeState state,
      Map<String, Path> volumeDirs,
      WaitingReasons reasons) {
    String fieldPath = fieldPath(c, init);
    int restartCount = state.latest(c.getName()).map(i -> i.attempt() + 1).orElse(0);
    String id;
    try {
      String imageRef = images.ensureImageExists(pod, c, fieldPath, sandboxConfig);
      // a simulated container has no process to hand an environment to
      List<KeyValue> envs =
          runtime.simulated() ? List.of() : env.resolve(pod, c, podIps, hostIp.get());
      Map<String, String> envMap = new HashMap<>();
      envs.forEach(kv -> envMap.put(kv.getKey(), kv.getValue()));
      List<Mount> mounts;
      try {
        mounts =
            new ArrayList<>(
                volumes.mounts(pod, c, volumeDirs, s -> Expansion.expand(s, envMap::get)));
      } catch (MountException e) {
        throw new ContainerStartException(
            EnvResolver.CREATE_CONTAINER_CONFIG_ERROR, e.getMessage());
      }
      terminationLog(pod, c, restartCount).ifPresent(mounts::add);
      ContainerConfig config =
          containerConfig(pod, c, init, restartCount, imageRef, envs, envMap, mounts);
      try {
        id = runtime.createContainer(sandboxId, config, sandboxConfig);
      } catch (RuntimeCallException e) {
        events.warning(pod, fieldPath, Reasons.FAILED, "Error: " + e.getMessage());
        throw new ContainerStartException("CreateContainerError", e.getMessage(), e);
      }
      events.normal(pod, fieldPath, Reasons.CREATED, "Created container " + c.getName());
      try {
        runtime.startContainer(id);
      } catch (RuntimeCallException e) {
        events.warning(pod, fieldPath, Reasons.FAILED, "Error: " + e.getMessage());
        throw new ContainerStartException("RunContainerError", e.getMessage(), e);
      }
    } catch (ContainerStartException e) {
      reasons.set(c.getName(), e.reason(), e.getMessage());
      if (e.reason().equals(EnvResolver.CREATE_CONTAINER_CONFIG_ERROR)) {
        events.warning(pod, fieldPath, Reasons.FAILED, "Error: " + e.getMessage());
      } else if (e.reason().equals(ImageManager.IMAGE_PULL_BACK_OFF)) {
        events.warning(
            pod, fieldPath, Reasons.FAILED, "Error: " + ImageManager.IMAGE_PULL_BACK_OFF);
      }
      return false;
    }
    events.normal(pod, fieldPath, Reasons.STARTED, "Started container " + c.getName());
    reasons.clear(c.getName());
    if (c.getLifecycle() != null && c.getLifecycle().getPostStart() != null) {
      String podIp = podIps.isEmpty() ? hostIp.get() : podIps.get(0);
      Optional<String> failed =
          hooks.run(c.getLifecycle().getPostStart(), c, id, podIp, Duration.ofMinutes(2));
      if (failed.isPresent()) {
        events.warning(pod, fieldPath, Reasons.FAILED_POST_START_HOOK, failed.get());
        try {
          runtime.stopContainer(id, gracePeriod(pod, null));
        } catch (RuntimeCallException e) {
          log.warn(
              "could not kill {} after its postStart hook failed: {}", c.getName(), e.getMessage());
        }
        reasons.set(c.getName(), "PostStartHookError", failed.get());
        return false;
      }
    }
    return true;
  }

  private Optional<Mount> terminationLog(Pod pod, Container c, int restartCount) {
    String path = c.getTerminationMessagePath();
    if (path == null || path.isEmpty()) {
      path = "/dev/termination-log";
    }
    try {
      Path dir =
          volumes.podDir(pod.getMetadata().getUid()).resolve("containers").resolve(c.getName());
      Files.createDirectories(dir);
      Path f = dir.resolve("termination-log." + restartCount);
      if (!Files.exists(f)) {
        Files.createFile(f);
      }
      return Optional.of(
          Mount.newBuilder().setContainerPath(path).setHostPath(f.toString()).build());
    } catch (IOException e) {
      log.warn("could not create the termination log of {}: {}", c.getName(), e.toString());
      return Optional.empty();
    }
  }

  private ContainerConfig containerConfig(
      Pod pod,
      Container c,
      boolean init,
      int restartCount,
      String imageRef,
      List<KeyValue> envs,
      Map<String, String> envMap,
      List<Mount> mounts) {
    ContainerConfig.Builder b =
        ContainerConfig.newBuilder()
            .setMetadata(
                ContainerMetadata.newBuilder().setName(c.getName()).setAttempt(restartCount))
            .setImage(ImageSpec.newBuilder().setImage(imageRef))
            .addAllEnvs(envs)
            .addAllMounts(mounts)
            .putAllLabels(Labels.containerLabels(pod, c))
            .putAnnotations(Labels.CONTAINER_HASH, Labels.hash(c))
            .putAnnotations(Labels.CONTAINER_RESTART_COUNT, Integer.toString(restartCount))
            .putAnnotations(
                Labels.TERMINATION_MESSAGE_PATH,
                c.getTerminationMessagePath() == null
                    ? "/dev/termination-log"
                    : c.getTerminationMessagePath())
            .putAnnotations(
                Labels.TERMINATION_MESSAGE_POLICY,
                c.getTerminationMessagePolicy() == null ? "File" : c.getTerminationMessagePolicy())
            .putAnnotations(
                Labels.POD_TERMINATION_GRACE_PERIOD, Long.toString(gracePeriod(pod, null)))
            .putAnnotations(Labels.CONTAINER_INIT, Boolean.toString(init))
            .setLogPath(c.getName() + "/" + restartCount + ".log")
            .setStdin(Boolean.TRUE.equals(c.getStdin()))
            .setStdinOnce(Boolean.TRUE.equals(c.getStdinOnce()))
            .setTty(Boolean.TRUE.equals(c.getTty()));
    if (c.getCommand() != null) {
      c.getCommand().forEach(s -> b.addCommand(Expansion.expand(s, envMap::get)));
    }
    if (c.getArgs() != null) {
      c.getArgs().forEach(s -> b.addArgs(Expansion.expand(s, envMap::get)));
    }
    if (c.getWorkingDir() != null) {
      b.setWorkingDir(c.getWorkingDir());
    }
    LinuxContainerSecurityContext.Builder sc = LinuxContainerSecurityContext.newBuilder();
    NamespaceOption.Builder ns =
        NamespaceOption.newBuilder()
            .setNetwork(
                Boolean.TRUE.equals(pod.getSpec().getHostNetwork())
                    ? NamespaceMode.NODE
                    : NamespaceMode.POD)
            .setIpc(
                Boolean.TRUE.equals(pod.getSpec().getHostIPC())
                    ? NamespaceMode.NODE
                    : NamespaceMode.POD)
            .setPid(
                Boolean.TRUE.equals(pod.getSpec().getHostPID())
                    ? NamespaceMode.NODE
                    : Boolean.TRUE.equals(pod.getSpec().getShareProcessNamespace())
                        ? NamespaceMode.POD
                        : NamespaceMode.CONTAINER);
    sc.setNamespaceOptions(ns);
    SecurityContext s = c.getSecurityContext();
    var podSc = pod.getSpec().getSecurityContext();
    Long runAsUser =
        s != null && s.getRunAsUser() != null
            ? s.getRunAsUser()
            : podSc == null ? null : podSc.getRunAsUser();
    Long runAsGroup =
        s != null && s.getRunAsGroup() != null
            ? s.getRunAsGroup()
            : podSc == null ? null : podSc.getRunAsGroup();
    if (runAsUser != null) {
      sc.setRunAsUser(Int64Value.newBuilder().setValue(runAsUser));
    }
    if (runAsGroup != null) {
      sc.setRunAsGroup(Int64Value.newBuilder().setValue(runAsGroup));
    }
    if (podSc != null && podSc.getSupplementalGroups() != null) {
      sc.addAllSupplementalGroups(podSc.getSupplementalGroups());
    }
    if (s != null) {
      sc.setPrivileged(Boolean.TRUE.equals(s.getPrivileged()));
      sc.setReadonlyRootfs(Boolean.TRUE.equals(s.getReadOnlyRootFilesystem()));
      if (Boolean.FALSE.equals(s.getAllowPrivilegeEscalation())) {
        sc.setNoNewPrivs(true);
      }
      Capabilities caps = s.getCapabilities();
      if (caps != null) {
        Capability.Builder cb = Capability.newBuilder();
        if (caps.getAdd() != null) {
          caps.getAdd().forEach(a -> cb.addAddCapabilities(a.startsWith("CAP_") ? a : "CAP_" + a));
        }
        if (caps.getDrop() != null) {
          caps.getDrop()
              .forEach(a -> cb.addDropCapabilities(a.startsWith("CAP_") ? a : "CAP_" + a));
        }
        sc.setCapabilities(cb);
      }
    }
    b.setLinux(
        LinuxContainerConfig.newBuilder()
            .setResources(ContainerResources.linux(pod, c, memoryCapacity.get()))
            .setSecurityContext(sc));
    return b.build();
  }

  /** The grace period of a kill: an override, the deletion's, the spec's, or 30 s. */
  public static long gracePeriod(Pod pod, Long override) {
    if (override != null) {
      return override;
    }
    if (pod != null && pod.getMetadata().getDeletionGracePeriodSeconds() != null) {
      return pod.getMetadata().getDeletionGracePeriodSeconds();
    }
    if (pod != null && pod.getSpec().getTerminationGracePeriodSeconds() != null) {
      return pod.getSpec().getTerminationGracePeriodSeconds();
    }
    return 30;
  }

  /**
   * Kills one running container: Killing event, preStop hook within the grace period, then stop
   * with what remains of it (at least 2 s, as upstream).
   */
  public void killContainer(
      Pod pod, PodRuntimeState.Instance inst, Container spec, String message, Long graceOverride) {
    long grace = gracePeriod(pod, graceOverride);
    if (pod == null) {
      String g = inst.annotation(Labels.POD_TERMINATION_GRACE_PERIOD);
      grace = g.isEmpty() ? 30 : Long.parseLong(g);
    }
    boolean init = "true".equals(inst.annotation(Labels.CONTAINER_INIT));
    String fieldPath = (init ? "spec.initContainers{" : "spec.containers{") + inst.name() + "}";
    if (pod != null) {
      events.normal(
          pod,
          fieldPath,
          Reasons.KILLING,
          message == null ? "Stopping container " + inst.name() : message);
    }
    if (spec != null
        && spec.getLifecycle() != null
        && spec.getLifecycle().getPreStop() != null
        && inst.running()) {
      Instant start = clock.now();
      String podIp = hostIp.get();
      Optional<String> failed =
          hooks.run(
              spec.getLifecycle().getPreStop(), spec, inst.id(), podIp, Duration.ofSeconds(grace));
      failed.ifPresent(f -> events.warning(pod, fieldPath, Reasons.FAILED_PRE_STOP_HOOK, f));
      grace -= Duration.between(start, clock.now()).toSeconds();
    }
    grace = Math.max(grace, MIN_GRACE_SECONDS);
    try {
      runtime.stopContainer(inst.id(), grace);
    } catch (RuntimeCallException e) {
      if (!e.notFound()) {
        throw e;
      }
    }
  }

  /**
   * Kills every running container of the pod (regular ones first, then init containers such as
   * sidecars, each kill in parallel within its group), then stops its sandboxes.
   */
  public void killPod(Pod pod, PodRuntimeState state, Long graceOverride) {
    List<PodRuntimeState.Instance> running = state.running();
    List<PodRuntimeState.Instance> regular =
        running.stream().filter(i -> !"true".equals(i.annotation(Labels.CONTAINER_INIT))).toList();
    List<PodRuntimeState.Instance> inits =
        running.stream().filter(i -> "true".equals(i.annotation(Labels.CONTAINER_INIT))).toList();
    killAll(pod, regular, graceOverride);
    killAll(pod, inits, graceOverride);
    for (PodRuntimeState.Sandbox s : state.sandboxes()) {
      if (s.ready()) {
        try {
          runtime.stopPodSandbox(s.id());
        } catch (RuntimeCallException e) {
          if (!e.notFound()) {
            throw e;
          }
        }
      }
    }
  }

  private void killAll(Pod pod, List<PodRuntimeState.Instance> instances, Long graceOverride) {
    List<Thread> threads = new ArrayList<>();
    List<RuntimeException> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (PodRuntimeState.Instance i : instances) {
      Container spec = pod == null ? null : specOf(pod, i.name());
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      killContainer(pod, i, spec, null, graceOverride);
                    } catch (RuntimeException e) {
                      errors.add(e);
                    }
                  }));
    }
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    if (!errors.isEmpty()) {
      throw errors.get(0);
    }
  }

  static Container specOf(Pod pod, String name) {
    for (Container c : pod.getSpec().getContainers()) {
      if (c.getName().equals(name)) {
        return c;
      }
    }
    if (pod.getSpec().getInitContainers() != null) {
      for (Container c : pod.getSpec().getInitContainers()) {
        if (c.getName().equals(name)) {
          return c;
        }
      }
    }
    return null;
  }

  /**
   * Removes dead containers beyond the newest dead one of each container name, and dead sandboxes
   * but the newest (upstream's container GC with one dead container per container); removes all of
   * them when {@code everything}.
   */
  public void garbageCollect(PodRuntimeState state, boolean everything) {
    Map<String, Integer> deadSeen = new HashMap<>();
    for (PodRuntimeState.Instance i : state.containers()) {
      if (i.running()) {
        continue;
      }
      int n = deadSeen.merge(i.name(), 1, Integer::sum);
      if (everything || n > 1) {
        remove(i);
      }
    }
    boolean first = true;
    for (PodRuntimeState.Sandbox s : state.sandboxes()) {
      if (!s.ready() && (everything || !first)) {
        boolean inUse =
            state.containers().stream()
                .anyMatch(c -> c.sandboxId().equals(s.id()) && (!everything));
        if (!inUse) {
          try {
            runtime.removePodSandbox(s.id());
          } catch (RuntimeCallException e) {
            log.debug("could not remove sandbox {}: {}", s.id(), e.getMessage());
          }
        }
      }
      first = false;
    }
  }

  private void remove(PodRuntimeState.Instance i) {
    try {
      runtime.removeContainer(i.id());
    } catch (RuntimeCallException e) {
      log.debug("could not remove container {}: {}", i.id(), e.getMessage());
      return;
    }
    String logPath = i.status().getLogPath();
    if (!logPath.isEmpty()) {
      try {
        Files.deleteIfExists(Path.of(logPath));
        try (var s = Files.list(Path.of(logPath).getParent())) {
          for (Path p : s.toList()) {
            if (p.getFileName().toString().startsWith(Path.of(logPath).getFileName() + ".")) {
              Files.deleteIfExists(p);
            }
          }
        }
      } catch (IOException e) {
        log.debug("could not remove log {}: {}", logPath, e.toString());
      }
    }
  }
}
