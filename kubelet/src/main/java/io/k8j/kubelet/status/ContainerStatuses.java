package io.k8j.kubelet.status;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateTerminatedBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.k8j.cri.v1.Mount;
import io.k8j.kubelet.kuberuntime.Labels;
import io.k8j.kubelet.kuberuntime.PodRuntimeState;
import io.k8j.kubelet.kuberuntime.WaitingReasons;
import io.k8j.kubelet.prober.ProbeResults;
import io.k8j.kubelet.prober.ProbeType;
import io.k8j.kubelet.util.Times;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One container's API status from its runtime instances, as upstream's {@code
 * convertToAPIContainerStatuses}: the newest instance gives the state (or the waiting reason the
 * kubelet recorded, e.g. CrashLoopBackOff over a terminated instance), the one before it {@code
 * lastState}.
 */
final class ContainerStatuses {
  static final String CONTAINER_CREATING = "ContainerCreating";
  static final String POD_INITIALIZING = "PodInitializing";
  private static final int MAX_MESSAGE = 4096;
  private static final int FALLBACK_LINES = 80;

  private ContainerStatuses() {}

  static ContainerStatus of(
      Container c,
      boolean init,
      boolean podHasInit,
      PodRuntimeState state,
      WaitingReasons reasons,
      ProbeResults probes,
      String runtimeName,
      ContainerStatus old) {
    List<PodRuntimeState.Instance> instances = state.instances(c.getName());
    ContainerStatusBuilder b =
        new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage());
    Optional<WaitingReasons.Reason> waiting = reasons.get(c.getName());
    if (instances.isEmpty()) {
      String reason = podHasInit ? POD_INITIALIZING : CONTAINER_CREATING;
      ContainerState s =
          waiting.isPresent()
              ? waiting(waiting.get().reason(), waiting.get().message())
              : waiting(reason, null);
      b.withState(s).withReady(false).withRestartCount(0).withStarted(false).withImageID("");
      if (old != null && old.getLastState() != null && old.getLastState().getTerminated() != null) {
        b.withLastState(old.getLastState());
        b.withRestartCount(old.getRestartCount());
      } else {
        b.withLastState(new ContainerState());
      }
      return b.build();
    }
    PodRuntimeState.Instance latest = instances.get(0);
    PodRuntimeState.Instance prev = instances.size() > 1 ? instances.get(1) : null;
    b.withRestartCount(latest.attempt())
        .withContainerID(runtimeName + "://" + latest.id())
        .withImageID(imageId(latest));
    ContainerState lastState = prev == null ? new ContainerState() : terminated(prev, runtimeName);
    boolean running = latest.running();
    boolean started =
        running
            && (c.getStartupProbe() == null
                || probes.get(ProbeType.STARTUP, latest.id()).orElse(false));
    boolean ready =
        started
            && (c.getReadinessProbe() == null
                || probes.get(ProbeType.READINESS, latest.id()).orElse(false));
    if (init && !"Always".equals(c.getRestartPolicy())) {
      ready = latest.exited() && latest.exitCode() == 0;
    }
    ContainerState state1;
    if (running) {
      state1 =
          new ContainerStateBuilder()
              .withNewRunning()
              .withStartedAt(Times.fromNanos(latest.status().getStartedAt()))
              .endRunning()
              .build();
    } else if (latest.exited()) {
      if (waiting.isPresent()) {
        state1 = waiting(waiting.get().reason(), waiting.get().message());
        lastState = terminated(latest, runtimeName);
      } else {
        state1 = terminated(latest, runtimeName);
      }
    } else {
      state1 =
          waiting.isPresent()
              ? waiting(waiting.get().reason(), waiting.get().message())
              : waiting(CONTAINER_CREATING, null);
    }
    return b.withState(state1)
        .withLastState(lastState)
        .withReady(ready)
        .withStarted(started)
        .build();
  }

  private static String imageId(PodRuntimeState.Instance i) {
    String ref = i.status().getImageRef();
    return ref == null ? "" : ref;
  }

  static ContainerState waiting(String reason, String message) {
    return new ContainerStateBuilder()
        .withNewWaiting()
        .withReason(reason)
        .withMessage(message)
        .endWaiting()
        .build();
  }

  static ContainerState terminated(PodRuntimeState.Instance i, String runtimeName) {
    var s = i.status();
    String reason = s.getReason();
    if (reason == null || reason.isEmpty()) {
      reason = s.getExitCode() == 0 ? "Completed" : "Error";
    }
    String message = terminationMessage(i);
    ContainerStateTerminated t =
        new ContainerStateTerminatedBuilder()
            .withExitCode(s.getExitCode())
            .withReason(reason)
            .withMessage(message == null || message.isEmpty() ? null : message)
            .withStartedAt(Times.fromNanos(s.getStartedAt()))
            .withFinishedAt(Times.fromNanos(s.getFinishedAt()))
            .withContainerID(runtimeName + "://" + i.id())
            .build();
    return new ContainerStateBuilder().withTerminated(t).build();
  }

  /** The termination message file's content, or the log's tail on error when the policy says so. */
  static String terminationMessage(PodRuntimeState.Instance i) {
    var s = i.status();
    String path = i.annotation(Labels.TERMINATION_MESSAGE_PATH);
    String message = null;
    for (Mount m : s.getMountsList()) {
      if (m.getContainerPath().equals(path)) {
        try {
          Path f = Path.of(m.getHostPath());
          if (Files.isRegularFile(f)) {
            byte[] b = Files.readAllBytes(f);
            message = new String(b, 0, Math.min(b.length, MAX_MESSAGE), StandardCharsets.UTF_8);
          }
        } catch (IOException e) {
          message = null;
        }
      }
    }
    if ((message == null || message.isEmpty())
        && "FallbackToLogsOnError".equals(i.annotation(Labels.TERMINATION_MESSAGE_POLICY))
        && s.getExitCode() != 0
        && !s.getLogPath().isEmpty()) {
      message = logTail(Path.of(s.getLogPath()));
    }
    if ((message == null || message.isEmpty()) && !s.getMessage().isEmpty()) {
      message = s.getMessage();
    }
    return message;
  }

  private static String logTail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      StringBuilder out = new StringBuilder();
      for (String l : lines.subList(Math.max(0, lines.size() - FALLBACK_LINES), lines.size())) {
        String[] f = l.split(" ", 4);
        out.append(f.length == 4 ? f[3] : l);
        if (f.length < 3 || !f[2].equals("P")) {
          out.append('\n');
        }
      }
      String s = out.toString();
      return s.length() > 2048 ? s.substring(s.length() - 2048) : s;
    } catch (IOException e) {
      return null;
    }
  }
}
