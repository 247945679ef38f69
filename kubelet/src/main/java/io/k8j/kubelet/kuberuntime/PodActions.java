package io.k8j.kubelet.kuberuntime;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.k8j.kubelet.prober.ProbeResults;
import io.k8j.kubelet.prober.ProbeType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * What has to change to bring a pod's runtime state to its spec (upstream's {@code
 * computePodActions}): kill the pod, create a new sandbox, containers to start (init containers in
 * order, then regular ones) and to kill. A decision only; {@link RuntimeManager} applies it.
 *
 * @param killPod stop every container and the sandbox first
 * @param createSandbox create a new sandbox (attempt {@code attempt})
 * @param sandboxId the sandbox to start containers in, when no new one is created
 * @param toStart containers to start, in order
 * @param toKill running containers to kill first
 * @param initFailed an init container failed and the pod may not restart it
 */
public record PodActions(
    boolean killPod,
    boolean createSandbox,
    String sandboxId,
    int attempt,
    List<Start> toStart,
    List<Kill> toKill,
    boolean initFailed) {

  /** A container to start. */
  public record Start(Container container, boolean init) {}

  /** A running container to kill, with the message of its Killing event. */
  public record Kill(PodRuntimeState.Instance instance, Container container, String message) {}

  public boolean nothing() {
    return !killPod && !createSandbox && toStart.isEmpty() && toKill.isEmpty();
  }

  public static String restartPolicy(Pod pod) {
    String rp = pod.getSpec().getRestartPolicy();
    return rp == null || rp.isEmpty() ? "Always" : rp;
  }

  /** Whether an exited instance should be started again under the pod's restart policy. */
  static boolean shouldRestart(String restartPolicy, PodRuntimeState.Instance exited) {
    return switch (restartPolicy) {
      case "Never" -> false;
      case "OnFailure" -> exited.exitCode() != 0;
      default -> true;
    };
  }

  /**
   * @param hash the spec hash of a container, compared with the one a running instance was made
   *     from
   */
  public static PodActions compute(
      Pod pod, PodRuntimeState state, ProbeResults probes, Function<Container, String> hash) {
    String rp = restartPolicy(pod);
    List<Container> inits =
        pod.getSpec().getInitContainers() == null ? List.of() : pod.getSpec().getInitContainers();
    List<Start> start = new ArrayList<>();
    List<Kill> kill = new ArrayList<>();
    Optional<PodRuntimeState.Sandbox> sb = state.latestSandbox();
    boolean hostNetwork = Boolean.TRUE.equals(pod.getSpec().getHostNetwork());
    boolean createSandbox =
        sb.isEmpty() || !sb.get().ready() || (!hostNetwork && sb.get().ips().isEmpty());
    if (createSandbox) {
      int attempt = sb.map(s -> s.attempt() + 1).orElse(0);
      if (!rp.equals("Always")
          && !rp.equals("OnFailure")
          && sb.isPresent()
          && !state.containers().isEmpty()) {
        return new PodActions(true, false, null, attempt, List.of(), List.of(), false);
      }
      if (!inits.isEmpty()) {
        start.add(new Start(inits.get(0), true));
      } else {
        for (Container c : pod.getSpec().getContainers()) {
          Optional<PodRuntimeState.Instance> last = state.latest(c.getName());
          if (rp.equals("OnFailure")
              && last.isPresent()
              && last.get().exited()
              && last.get().exitCode() == 0) {
            continue;
          }
          start.add(new Start(c, false));
        }
      }
      if (start.isEmpty()) {
        return new PodActions(true, false, null, attempt, List.of(), List.of(), false);
      }
      return new PodActions(true, true, null, attempt, start, List.of(), false);
    }
    String sandboxId = sb.get().id();
    InitResult init = initActions(pod, state, sandboxId, rp, probes, start, kill);
    if (init == InitResult.FAILED) {
      return new PodActions(true, false, sandboxId, 0, List.of(), List.of(), true);
    }
    if (init == InitResult.PENDING) {
      return new PodActions(false, false, sandboxId, 0, start, kill, false);
    }
    int keep = 0;
    for (Container c : pod.getSpec().getContainers()) {
      Optional<PodRuntimeState.Instance> inst = state.latestIn(sandboxId, c.getName());
      if (inst.isEmpty()) {
        Optional<PodRuntimeState.Instance> older = state.latest(c.getName());
        if (older.isEmpty() || !older.get().exited() || shouldRestart(rp, older.get())) {
          start.add(new Start(c, false));
        }
        continue;
      }
      PodRuntimeState.Instance i = inst.get();
      if (i.running()) {
        String why = restartReason(c, i, probes, hash);
        if (why == null) {
          keep++;
          continue;
        }
        boolean restart = !rp.equals("Never");
        kill.add(
            new Kill(
                i,
                c,
                "Container " + c.getName() + " " + why + (restart ? ", will be restarted" : "")));
        if (restart) {
          start.add(new Start(c, false));
        }
        continue;
      }
      if (!i.exited() || shouldRestart(rp, i)) {
        start.add(new Start(c, false));
      }
    }
    if (keep == 0 && start.isEmpty()) {
      return new PodActions(true, false, sandboxId, 0, List.of(), kill, false);
    }
    return new PodActions(false, false, sandboxId, 0, start, kill, false);
  }

  private enum InitResult {
    DONE,
    PENDING,
    FAILED
  }

  private static InitResult initActions(
      Pod pod,
      PodRuntimeState state,
      String sandboxId,
      String rp,
      ProbeResults probes,
      List<Start> start,
      List<Kill> kill) {
    List<Container> inits =
        pod.getSpec().getInitContainers() == null ? List.of() : pod.getSpec().getInitContainers();
    boolean initialized =
        pod.getSpec().getContainers().stream()
            .anyMatch(c -> state.latestIn(sandboxId, c.getName()).isPresent());
    for (Container ic : inits) {
      boolean sidecar = "Always".equals(ic.getRestartPolicy());
      Optional<PodRuntimeState.Instance> inst = state.latestIn(sandboxId, ic.getName());
      if (sidecar) {
        if (inst.isPresent() && inst.get().running()) {
          String id = inst.get().id();
          if (probes.failed(ProbeType.LIVENESS, id) || probes.failed(ProbeType.STARTUP, id)) {
            String probe = probes.failed(ProbeType.LIVENESS, id) ? "liveness" : "startup";
            kill.add(
                new Kill(
                    inst.get(),
                    ic,
                    "Container "
                        + ic.getName()
                        + " failed "
                        + probe
                        + " probe, will be restarted"));
            start.add(new Start(ic, true));
          } else if (!initialized
              && ic.getStartupProbe() != null
              && !probes.get(ProbeType.STARTUP, id).orElse(false)) {
            return InitResult.PENDING;
          }
          continue;
        }
        start.add(new Start(ic, true));
        if (!initialized) {
          return InitResult.PENDING;
        }
        continue;
      }
      if (initialized) {
        continue;
      }
      if (inst.isEmpty()) {
        start.add(new Start(ic, true));
        return InitResult.PENDING;
      }
      PodRuntimeState.Instance i = inst.get();
      if (i.running()) {
        return InitResult.PENDING;
      }
      if (i.exited() && i.exitCode() == 0) {
        continue;
      }
      if (i.exited() && rp.equals("Never")) {
        return InitResult.FAILED;
      }
      start.add(new Start(ic, true));
      return InitResult.PENDING;
    }
    return InitResult.DONE;
  }

  private static String restartReason(
      Container c,
      PodRuntimeState.Instance i,
      ProbeResults probes,
      Function<Container, String> hash) {
    String want = hash.apply(c);
    String have = i.annotation(Labels.CONTAINER_HASH);
    if (!have.isEmpty() && !have.equals(want)) {
      return "definition changed";
    }
    if (probes.failed(ProbeType.LIVENESS, i.id())) {
      return "failed liveness probe";
    }
    if (probes.failed(ProbeType.STARTUP, i.id())) {
      return "failed startup probe";
    }
    return null;
  }
}
