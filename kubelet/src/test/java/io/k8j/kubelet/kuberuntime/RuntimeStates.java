package io.k8j.kubelet.kuberuntime;

import io.fabric8.kubernetes.api.model.Container;
import io.k8j.cri.v1.ContainerMetadata;
import io.k8j.cri.v1.ContainerState;
import io.k8j.cri.v1.ContainerStatus;
import io.k8j.cri.v1.PodSandboxState;
import java.util.ArrayList;
import java.util.List;

/** Builds {@link PodRuntimeState}s for tests: a sandbox and container instances in time order. */
public final class RuntimeStates {
  private final List<PodRuntimeState.Sandbox> sandboxes = new ArrayList<>();
  private final List<PodRuntimeState.Instance> containers = new ArrayList<>();
  private long t = 1_000_000_000_000L;

  public static RuntimeStates pod() {
    return new RuntimeStates();
  }

  public RuntimeStates sandbox(String id, boolean ready) {
    sandboxes.add(
        new PodRuntimeState.Sandbox(
            id,
            ready ? PodSandboxState.SANDBOX_READY : PodSandboxState.SANDBOX_NOTREADY,
            t += 1_000_000_000L,
            sandboxes.size(),
            ready ? List.of("10.1.0." + (sandboxes.size() + 2)) : List.of()));
    return this;
  }

  public RuntimeStates running(String name, Container spec) {
    return add(name, ContainerState.CONTAINER_RUNNING, 0, spec, "");
  }

  public RuntimeStates exited(String name, int exitCode) {
    return add(
        name,
        ContainerState.CONTAINER_EXITED,
        exitCode,
        null,
        exitCode == 0 ? "Completed" : "Error");
  }

  public RuntimeStates exited(String name, int exitCode, String reason) {
    return add(name, ContainerState.CONTAINER_EXITED, exitCode, null, reason);
  }

  private RuntimeStates add(
      String name, ContainerState state, int exitCode, Container spec, String reason) {
    String sb = sandboxes.get(sandboxes.size() - 1).id();
    int attempt = (int) containers.stream().filter(c -> c.name().equals(name)).count();
    long created = t += 1_000_000_000L;
    ContainerStatus.Builder s =
        ContainerStatus.newBuilder()
            .setId(name + "-" + attempt + "-" + sb)
            .setMetadata(ContainerMetadata.newBuilder().setName(name).setAttempt(attempt))
            .setState(state)
            .setCreatedAt(created)
            .setStartedAt(created + 1)
            .setExitCode(exitCode)
            .setReason(reason)
            .setImageRef("sha256:abc");
    if (state == ContainerState.CONTAINER_EXITED) {
      s.setFinishedAt(created + 500_000_000L);
    }
    if (spec != null) {
      s.putAnnotations(Labels.CONTAINER_HASH, Labels.hash(spec));
    }
    containers.add(new PodRuntimeState.Instance(sb, s.build()));
    return this;
  }

  public PodRuntimeState build() {
    return new PodRuntimeState("uid-1", sandboxes, containers);
  }
}
