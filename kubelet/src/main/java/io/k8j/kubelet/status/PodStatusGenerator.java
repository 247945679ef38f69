package io.k8j.kubelet.status;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.HostIP;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodReadinessGate;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.k8j.kubelet.kuberuntime.PodRuntimeState;
import io.k8j.kubelet.kuberuntime.Qos;
import io.k8j.kubelet.kuberuntime.WaitingReasons;
import io.k8j.kubelet.prober.ProbeResults;
import io.k8j.kubelet.util.Times;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The API status of a pod from its runtime state (upstream's {@code generateAPIPodStatus}):
 * container statuses, the phase by upstream's {@code getPhase}, the kubelet's conditions
 * (PodReadyToStartContainers, Initialized, ContainersReady, Ready) with transition times kept while
 * their status does not change, addresses and start time.
 */
public final class PodStatusGenerator {
  public static final List<String> KUBELET_CONDITIONS =
      List.of("PodReadyToStartContainers", "Initialized", "ContainersReady", "Ready");

  private final String runtimeName;

  public PodStatusGenerator(String runtimeName) {
    this.runtimeName = runtimeName;
  }

  /**
   * @param terminal the pod worker finished the pod: no container will run again
   */
  public PodStatus generate(
      Pod pod,
      PodRuntimeState state,
      WaitingReasons reasons,
      ProbeResults probes,
      String hostIp,
      boolean terminal,
      Instant now) {
    PodStatus old = pod.getStatus() == null ? new PodStatus() : pod.getStatus();
    List<Container> inits =
        pod.getSpec().getInitContainers() == null ? List.of() : pod.getSpec().getInitContainers();
    boolean hasInit = !inits.isEmpty();
    Map<String, ContainerStatus> oldStatuses =
        byName(old.getContainerStatuses(), old.getInitContainerStatuses());
    List<ContainerStatus> initStatuses = new ArrayList<>();
    for (Container c : inits) {
      initStatuses.add(
          ContainerStatuses.of(
              c, true, true, state, reasons, probes, runtimeName, oldStatuses.get(c.getName())));
    }
    List<ContainerStatus> statuses = new ArrayList<>();
    for (Container c : pod.getSpec().getContainers()) {
      statuses.add(
          ContainerStatuses.of(
              c,
              false,
              hasInit,
              state,
              reasons,
              probes,
              runtimeName,
              oldStatuses.get(c.getName())));
    }
    PodStatus s = new PodStatus();
    s.setContainerStatuses(statuses);
    s.setInitContainerStatuses(hasInit ? initStatuses : null);
    String phase = phase(pod, initStatuses, statuses, terminal);
    if ("Succeeded".equals(old.getPhase()) || "Failed".equals(old.getPhase())) {
      phase = old.getPhase();
    }
    s.setPhase(phase);
    s.setQosClass(old.getQosClass() != null ? old.getQosClass() : Qos.of(pod));
    s.setHostIP(hostIp);
    s.setHostIPs(List.of(new HostIP(hostIp)));
    List<String> ips = state.podIps();
    if (ips.isEmpty()
        && Boolean.TRUE.equals(pod.getSpec().getHostNetwork())
        && state.latestSandbox().isPresent()) {
      ips = List.of(hostIp);
    }
    if (ips.isEmpty()
        && old.getPodIP() != null
        && !old.getPodIP().isEmpty()
        && terminalPhase(phase)) {
      s.setPodIP(old.getPodIP());
      s.setPodIPs(old.getPodIPs());
    } else if (!ips.isEmpty()) {
      s.setPodIP(ips.get(0));
      s.setPodIPs(ips.stream().map(PodIP::new).toList());
    }
    s.setStartTime(old.getStartTime() != null ? old.getStartTime() : Times.format(now));
    s.setReason(old.getReason());
    s.setMessage(old.getMessage());
    s.setNominatedNodeName(old.getNominatedNodeName());
    s.setConditions(conditions(pod, old, state, initStatuses, statuses, phase, now));
    return s;
  }

  private static boolean terminalPhase(String phase) {
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  private static Map<String, ContainerStatus> byName(
      List<ContainerStatus> a, List<ContainerStatus> b) {
    Map<String, ContainerStatus> m = new java.util.HashMap<>();
    if (a != null) {
      a.forEach(c -> m.put(c.getName(), c));
    }
    if (b != null) {
      b.forEach(c -> m.put(c.getName(), c));
    }
    return m;
  }

  /** Upstream's {@code getPhase}. */
  static String phase(
      Pod pod,
      List<ContainerStatus> initStatuses,
      List<ContainerStatus> statuses,
      boolean terminal) {
    String rp =
        pod.getSpec().getRestartPolicy() == null ? "Always" : pod.getSpec().getRestartPolicy();
    List<Container> inits =
        pod.getSpec().getInitContainers() == null ? List.of() : pod.getSpec().getInitContainers();
    int pendingInit = 0;
    int pendingSidecar = 0;
    int failedInit = 0;
    int unknown = 0;
    int running = 0;
    int waiting = 0;
    int stopped = 0;
    int succeeded = 0;
    for (int i = 0; i < inits.size(); i++) {
      Container c = inits.get(i);
      ContainerStatus st = initStatuses.get(i);
      var state = st.getState();
      boolean hasLast = st.getLastState() != null && st.getLastState().getTerminated() != null;
      if ("Always".equals(c.getRestartPolicy())) {
        if (state.getRunning() != null) {
          if (!Boolean.TRUE.equals(st.getStarted())) {
            pendingSidecar++;
          }
          running++;
        } else if (state.getWaiting() != null && !hasLast) {
          pendingSidecar++;
          waiting++;
        }
        continue;
      }
      if (state.getRunning() != null) {
        pendingInit++;
      } else if (state.getTerminated() != null) {
        if (state.getTerminated().getExitCode() != 0) {
          failedInit++;
        }
      } else if (state.getWaiting() != null) {
        if (hasLast) {
          if (st.getLastState().getTerminated().getExitCode() != 0) {
            failedInit++;
          }
        } else {
          pendingInit++;
        }
      } else {
        pendingInit++;
      }
    }
    boolean anyRegularStarted = false;
    for (ContainerStatus st : statuses) {
      var state = st.getState();
      boolean hasLast = st.getLastState() != null && st.getLastState().getTerminated() != null;
      if (state.getRunning() != null) {
        running++;
        anyRegularStarted = true;
      } else if (state.getTerminated() != null) {
        stopped++;
        anyRegularStarted = true;
        if (state.getTerminated().getExitCode() == 0) {
          succeeded++;
        }
      } else if (state.getWaiting() != null) {
        if (hasLast) {
          stopped++;
          anyRegularStarted = true;
        } else {
          waiting++;
        }
      } else {
        unknown++;
      }
    }
    if (failedInit > 0 && rp.equals("Never")) {
      return "Failed";
    }
    if (pendingInit > 0 || (pendingSidecar > 0 && !anyRegularStarted)) {
      return "Pending";
    }
    if (waiting > 0) {
      return "Pending";
    }
    if (running > 0 && unknown == 0) {
      return "Running";
    }
    if (running == 0 && stopped > 0 && unknown == 0) {
      if (terminal) {
        return stopped == succeeded ? "Succeeded" : "Failed";
      }
      if (rp.equals("Always")) {
        return "Running";
      }
      if (stopped == succeeded) {
        return "Succeeded";
      }
      if (rp.equals("Never")) {
        return "Failed";
      }
      return "Running";
    }
    return "Pending";
  }

  private static List<PodCondition> conditions(
      Pod pod,
      PodStatus old,
      PodRuntimeState state,
      List<ContainerStatus> initStatuses,
      List<ContainerStatus> statuses,
      String phase,
      Instant now) {
    Map<String, PodCondition> oldByType =
        old.getConditions() == null
            ? Map.of()
            : old.getConditions().stream()
                .collect(Collectors.toMap(PodCondition::getType, Function.identity(), (a, b) -> a));
    List<PodCondition> out = new ArrayList<>();
    boolean sandboxReady =
        state.latestSandbox().map(PodRuntimeState.Sandbox::ready).orElse(false)
            && (!state.podIps().isEmpty() || Boolean.TRUE.equals(pod.getSpec().getHostNetwork()));
    out.add(condition(oldByType, "PodReadyToStartContainers", sandboxReady, null, null, now));

    List<Container> inits =
        pod.getSpec().getInitContainers() == null ? List.of() : pod.getSpec().getInitContainers();
    List<String> incomplete = new ArrayList<>();
    for (int i = 0; i < inits.size(); i++) {
      ContainerStatus st = initStatuses.get(i);
      boolean done =
          "Always".equals(inits.get(i).getRestartPolicy())
              ? Boolean.TRUE.equals(st.getStarted())
              : st.getState().getTerminated() != null
                  && st.getState().getTerminated().getExitCode() == 0;
      if (!done) {
        incomplete.add(st.getName());
      }
    }
    boolean initialized =
        incomplete.isEmpty() || statuses.stream().anyMatch(PodStatusGenerator::hasRun);
    out.add(
        condition(
            oldByType,
            "Initialized",
            initialized,
            initialized ? null : "ContainersNotInitialized",
            initialized ? null : "containers with incomplete status: " + goList(incomplete),
            now));

    List<String> unready = new ArrayList<>();
    for (int i = 0; i < inits.size(); i++) {
      if ("Always".equals(inits.get(i).getRestartPolicy())
          && !Boolean.TRUE.equals(initStatuses.get(i).getReady())) {
        unready.add(inits.get(i).getName());
      }
    }
    for (ContainerStatus st : statuses) {
      if (!Boolean.TRUE.equals(st.getReady())) {
        unready.add(st.getName());
      }
    }
    boolean completed = "Succeeded".equals(phase);
    boolean ready = unready.isEmpty() && !completed;
    String reason = completed ? "PodCompleted" : ready ? null : "ContainersNotReady";
    String message =
        completed || ready ? null : "containers with unready status: " + goList(unready);
    PodCondition containersReady =
        condition(oldByType, "ContainersReady", ready, reason, message, now);

    boolean gatesReady = true;
    String gateMessage = null;
    if (ready && pod.getSpec().getReadinessGates() != null) {
      for (PodReadinessGate g : pod.getSpec().getReadinessGates()) {
        PodCondition c = oldByType.get(g.getConditionType());
        if (c == null || !"True".equals(c.getStatus())) {
          gatesReady = false;
          gateMessage =
              c == null
                  ? "corresponding condition of pod readiness gate \""
                      + g.getConditionType()
                      + "\" does not exist."
                  : "the status of pod readiness gate \""
                      + g.getConditionType()
                      + "\" is not \"True\", but "
                      + c.getStatus();
          break;
        }
      }
    }
    if (ready && !gatesReady) {
      out.add(condition(oldByType, "Ready", false, "ReadinessGatesNotReady", gateMessage, now));
    } else {
      out.add(condition(oldByType, "Ready", ready, reason, message, now));
    }
    out.add(containersReady);
    for (PodCondition c :
        old.getConditions() == null ? List.<PodCondition>of() : old.getConditions()) {
      if (!KUBELET_CONDITIONS.contains(c.getType())) {
        out.add(c);
      }
    }
    if (!oldByType.containsKey("PodScheduled") && pod.getSpec().getNodeName() != null) {
      out.add(condition(oldByType, "PodScheduled", true, null, null, now));
    }
    return out;
  }

  private static boolean hasRun(ContainerStatus st) {
    return st.getState().getRunning() != null
        || st.getState().getTerminated() != null
        || (st.getLastState() != null && st.getLastState().getTerminated() != null);
  }

  /** A slice as Go's fmt prints it: {@code [a b]}. */
  static String goList(List<String> names) {
    return "[" + String.join(" ", names) + "]";
  }

  private static PodCondition condition(
      Map<String, PodCondition> old,
      String type,
      boolean status,
      String reason,
      String message,
      Instant now) {
    String st = status ? "True" : "False";
    String transition =
        Optional.ofNullable(old.get(type))
            .filter(o -> st.equals(o.getStatus()))
            .map(PodCondition::getLastTransitionTime)
            .orElse(Times.format(now));
    return new PodConditionBuilder()
        .withType(type)
        .withStatus(st)
        .withReason(reason)
        .withMessage(message)
        .withLastTransitionTime(transition)
        .withLastProbeTime(null)
        .build();
  }
}
