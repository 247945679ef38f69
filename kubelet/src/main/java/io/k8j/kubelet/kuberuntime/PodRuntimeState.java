package io.k8j.kubelet.kuberuntime;

import io.k8j.cri.v1.ContainerState;
import io.k8j.cri.v1.ContainerStatus;
import io.k8j.cri.v1.PodSandboxState;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What the runtime has for one pod: its sandboxes and container instances, newest first (upstream's
 * {@code kubecontainer.PodStatus}).
 */
public record PodRuntimeState(String podUid, List<Sandbox> sandboxes, List<Instance> containers) {

  /** A sandbox with what the kubelet needs of its status. */
  public record Sandbox(
      String id, PodSandboxState state, long createdAt, int attempt, List<String> ips) {
    public boolean ready() {
      return state == PodSandboxState.SANDBOX_READY;
    }
  }

  /** One container instance (one attempt of a container) and the sandbox it ran in. */
  public record Instance(String sandboxId, ContainerStatus status) {
    public String id() {
      return status.getId();
    }

    public String name() {
      return status.getMetadata().getName();
    }

    public int attempt() {
      return status.getMetadata().getAttempt();
    }

    public ContainerState state() {
      return status.getState();
    }

    public boolean running() {
      return status.getState() == ContainerState.CONTAINER_RUNNING;
    }

    public boolean exited() {
      return status.getState() == ContainerState.CONTAINER_EXITED;
    }

    public int exitCode() {
      return status.getExitCode();
    }

    public String annotation(String key) {
      return status.getAnnotationsOrDefault(key, "");
    }
  }

  public static PodRuntimeState empty(String uid) {
    return new PodRuntimeState(uid, List.of(), List.of());
  }

  public PodRuntimeState {
    sandboxes =
        sandboxes.stream().sorted(Comparator.comparingLong(Sandbox::createdAt).reversed()).toList();
    containers =
        containers.stream()
            .sorted(Comparator.comparingLong((Instance i) -> i.status().getCreatedAt()).reversed())
            .toList();
  }

  public Optional<Sandbox> latestSandbox() {
    return sandboxes.isEmpty() ? Optional.empty() : Optional.of(sandboxes.get(0));
  }

  /** Every instance of the named container, newest first. */
  public List<Instance> instances(String name) {
    return containers.stream().filter(c -> c.name().equals(name)).toList();
  }

  public Optional<Instance> latest(String name) {
    return containers.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  /** The newest instance of the named container in the given sandbox. */
  public Optional<Instance> latestIn(String sandboxId, String name) {
    return containers.stream()
        .filter(c -> c.name().equals(name) && c.sandboxId().equals(sandboxId))
        .findFirst();
  }

  public List<Instance> running() {
    return containers.stream().filter(Instance::running).toList();
  }

  public boolean anyRunning() {
    return containers.stream().anyMatch(Instance::running);
  }

  public List<String> podIps() {
    return latestSandbox().filter(Sandbox::ready).map(Sandbox::ips).orElse(List.of());
  }
}
