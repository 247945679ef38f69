package io.k8j.kubelet.kuberuntime;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.k8j.common.Clock;
import io.k8j.kubelet.prober.ProbeOutcome;
import io.k8j.kubelet.prober.Prober;
import io.k8j.kubelet.runtime.ContainerRuntime;
import java.time.Duration;
import java.util.Optional;

/** Runs postStart and preStop hooks: exec in the container, httpGet to the pod, or sleep. */
public final class LifecycleHandlers {
  private final ContainerRuntime runtime;
  private final Prober prober;
  private final Clock clock;

  public LifecycleHandlers(ContainerRuntime runtime, Prober prober, Clock clock) {
    this.runtime = runtime;
    this.prober = prober;
    this.clock = clock;
  }

  /** Runs the hook; returns the failure message, empty when it succeeded. */
  public Optional<String> run(
      LifecycleHandler h, Container c, String containerId, String podIp, Duration timeout) {
    if (runtime.simulated()) {
      return Optional.empty();
    }
    if (h.getExec() != null) {
      ProbeOutcome o = prober.exec(containerId, h.getExec().getCommand(), timeout);
      return o.success()
          ? Optional.empty()
          : Optional.of(
              "Exec lifecycle hook ("
                  + h.getExec().getCommand()
                  + ") for Container \""
                  + c.getName()
                  + "\" failed - error: command exited, message: \""
                  + o.output().strip()
                  + "\"");
    }
    if (h.getHttpGet() != null) {
      ProbeOutcome o = prober.httpGet(h.getHttpGet(), c, podIp, timeout);
      return o.success()
          ? Optional.empty()
          : Optional.of(
              "HTTP lifecycle hook ("
                  + h.getHttpGet().getPath()
                  + ") for Container \""
                  + c.getName()
                  + "\" failed - error: "
                  + o.output());
    }
    if (h.getSleep() != null && h.getSleep().getSeconds() != null) {
      try {
        Duration d = Duration.ofSeconds(h.getSleep().getSeconds());
        clock.sleep(d.compareTo(timeout) < 0 ? d : timeout);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return Optional.empty();
    }
    return Optional.empty();
  }
}
