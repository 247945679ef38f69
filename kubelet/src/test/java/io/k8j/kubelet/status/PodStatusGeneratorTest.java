package io.k8j.kubelet.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.k8j.kubelet.kuberuntime.PodRuntimeState;
import io.k8j.kubelet.kuberuntime.RuntimeStates;
import io.k8j.kubelet.kuberuntime.WaitingReasons;
import io.k8j.kubelet.prober.ProbeResults;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodStatusGeneratorTest {
  static final Container APP = new ContainerBuilder().withName("app").withImage("busybox").build();
  static final Container INIT =
      new ContainerBuilder().withName("init").withImage("busybox").build();
  final PodStatusGenerator gen = new PodStatusGenerator("containerd");

  static Pod pod(String restartPolicy, List<Container> inits) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("p")
        .withNamespace("default")
        .withUid("uid-1")
        .endMetadata()
        .withNewSpec()
        .withNodeName("n1")
        .withRestartPolicy(restartPolicy)
        .withInitContainers(inits)
        .withContainers(APP)
        .endSpec()
        .build();
  }

  PodStatus generate(Pod pod, PodRuntimeState state, WaitingReasons reasons) {
    return gen.generate(
        pod,
        state,
        reasons,
        new ProbeResults(),
        "192.168.1.2",
        false,
        Instant.parse("2026-01-01T00:00:00Z"));
  }

  static PodCondition cond(PodStatus s, String type) {
    return s.getConditions().stream()
        .filter(c -> c.getType().equals(type))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aNewPodIsPendingWithContainersCreating() {
    PodStatus s =
        generate(pod("Always", List.of()), PodRuntimeState.empty("uid-1"), new WaitingReasons());
    assertThat(s.getPhase()).isEqualTo("Pending");
    assertThat(s.getContainerStatuses().get(0).getState().getWaiting().getReason())
        .isEqualTo("ContainerCreating");
    assertThat(cond(s, "Ready").getStatus()).isEqualTo("False");
    assertThat(cond(s, "Ready").getMessage()).isEqualTo("containers with unready status: [app]");
    assertThat(cond(s, "PodScheduled").getStatus()).isEqualTo("True");
    assertThat(s.getHostIP()).isEqualTo("192.168.1.2");
    assertThat(s.getQosClass()).isEqualTo("BestEffort");
  }

  @Test
  void aRunningContainerMakesThePodRunningAndReady() {
    PodStatus s =
        generate(
            pod("Always", List.of()),
            RuntimeStates.pod().sandbox("s1", true).running("app", APP).build(),
            new WaitingReasons());
    assertThat(s.getPhase()).isEqualTo("Running");
    assertThat(s.getPodIP()).isEqualTo("10.1.0.2");
    assertThat(s.getContainerStatuses().get(0).getContainerID()).startsWith("containerd://");
    assertThat(cond(s, "Ready").getStatus()).isEqualTo("True");
    assertThat(cond(s, "ContainersReady").getStatus()).isEqualTo("True");
    assertThat(s.getConditions().stream().map(PodCondition::getType))
        .containsExactly(
            "PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled");
  }

  @Test
  void aCrashLoopingContainerWaitsWithItsLastTermination() {
    WaitingReasons r = new WaitingReasons();
    r.set(
        "app",
        "CrashLoopBackOff",
        "back-off 10s restarting failed container=app pod=p_default(uid-1)");
    PodStatus s =
        generate(
            pod("Always", List.of()),
            RuntimeStates.pod().sandbox("s1", true).exited("app", 1).exited("app", 1).build(),
            r);
    var cs = s.getContainerStatuses().get(0);
    assertThat(cs.getState().getWaiting().getReason()).isEqualTo("CrashLoopBackOff");
    assertThat(cs.getLastState().getTerminated().getReason()).isEqualTo("Error");
    assertThat(cs.getLastState().getTerminated().getExitCode()).isEqualTo(1);
    assertThat(cs.getRestartCount()).isEqualTo(1);
    assertThat(s.getPhase()).isEqualTo("Running");
  }

  @Test
  void phasesFollowTheRestartPolicyOnceContainersExit() {
    PodRuntimeState ok = RuntimeStates.pod().sandbox("s1", true).exited("app", 0).build();
    PodRuntimeState bad = RuntimeStates.pod().sandbox("s1", true).exited("app", 3).build();
    PodRuntimeState oom =
        RuntimeStates.pod().sandbox("s1", true).exited("app", 137, "OOMKilled").build();
    assertThat(generate(pod("Never", List.of()), ok, new WaitingReasons()).getPhase())
        .isEqualTo("Succeeded");
    assertThat(generate(pod("Never", List.of()), bad, new WaitingReasons()).getPhase())
        .isEqualTo("Failed");
    assertThat(generate(pod("OnFailure", List.of()), bad, new WaitingReasons()).getPhase())
        .isEqualTo("Running");
    assertThat(generate(pod("Always", List.of()), ok, new WaitingReasons()).getPhase())
        .isEqualTo("Running");
    assertThat(
            generate(pod("Never", List.of()), oom, new WaitingReasons())
                .getContainerStatuses()
                .get(0)
                .getState()
                .getTerminated()
                .getReason())
        .isEqualTo("OOMKilled");
    PodStatus done = generate(pod("Never", List.of()), ok, new WaitingReasons());
    assertThat(cond(done, "Ready").getReason()).isEqualTo("PodCompleted");
  }

  @Test
  void initContainersKeepThePodPendingAndUninitialized() {
    PodStatus s =
        generate(
            pod("Always", List.of(INIT)),
            RuntimeStates.pod().sandbox("s1", true).running("init", INIT).build(),
            new WaitingReasons());
    assertThat(s.getPhase()).isEqualTo("Pending");
    assertThat(cond(s, "Initialized").getStatus()).isEqualTo("False");
    assertThat(cond(s, "Initialized").getMessage())
        .isEqualTo("containers with incomplete status: [init]");
    assertThat(s.getContainerStatuses().get(0).getState().getWaiting().getReason())
        .isEqualTo("PodInitializing");
    PodStatus failed =
        generate(
            pod("Never", List.of(INIT)),
            RuntimeStates.pod().sandbox("s1", true).exited("init", 1).build(),
            new WaitingReasons());
    assertThat(failed.getPhase()).isEqualTo("Failed");
  }

  @Test
  void transitionTimesStayWhileAConditionHoldsAndTerminalPhasesStick() {
    Pod p = pod("Never", List.of());
    PodStatus first =
        generate(
            p,
            RuntimeStates.pod().sandbox("s1", true).exited("app", 0).build(),
            new WaitingReasons());
    p.setStatus(first);
    PodStatus later =
        gen.generate(
            p,
            PodRuntimeState.empty("uid-1"),
            new WaitingReasons(),
            new ProbeResults(),
            "192.168.1.2",
            true,
            Instant.parse("2026-01-01T00:05:00Z"));
    assertThat(later.getPhase()).isEqualTo("Succeeded");
    assertThat(cond(later, "Initialized").getLastTransitionTime())
        .isEqualTo("2026-01-01T00:00:00Z");
    assertThat(later.getStartTime()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(later.getPodIP()).isEqualTo("10.1.0.2");
  }
}
