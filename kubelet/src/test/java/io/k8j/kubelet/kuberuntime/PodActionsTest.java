package io.k8j.kubelet.kuberuntime;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.k8j.kubelet.prober.ProbeResults;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodActionsTest {
  static final Container APP = new ContainerBuilder().withName("app").withImage("busybox").build();
  static final Container SIDE =
      new ContainerBuilder().withName("side").withImage("busybox").build();
  static final Container INIT1 =
      new ContainerBuilder().withName("init1").withImage("busybox").build();
  static final Container INIT2 =
      new ContainerBuilder().withName("init2").withImage("busybox").build();

  static Pod pod(String restartPolicy, List<Container> inits, Container... containers) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("p")
        .withNamespace("default")
        .withUid("uid-1")
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy(restartPolicy)
        .withInitContainers(inits)
        .withContainers(containers)
        .endSpec()
        .build();
  }

  static PodActions compute(Pod pod, PodRuntimeState state) {
    return PodActions.compute(pod, state, new ProbeResults(), Labels::hash);
  }

  static List<String> starts(PodActions a) {
    return a.toStart().stream().map(s -> s.container().getName()).toList();
  }

  @Test
  void aNewPodGetsASandboxAndItsContainers() {
    PodActions a = compute(pod("Always", List.of(), APP, SIDE), PodRuntimeState.empty("uid-1"));
    assertThat(a.createSandbox()).isTrue();
    assertThat(a.attempt()).isZero();
    assertThat(starts(a)).containsExactly("app", "side");
  }

  @Test
  void initContainersRunOneAtATimeBeforeTheContainers() {
    Pod p = pod("Always", List.of(INIT1, INIT2), APP);
    assertThat(starts(compute(p, PodRuntimeState.empty("uid-1")))).containsExactly("init1");
    assertThat(
            starts(
                compute(
                    p, RuntimeStates.pod().sandbox("s1", true).running("init1", INIT1).build())))
        .isEmpty();
    assertThat(
            starts(compute(p, RuntimeStates.pod().sandbox("s1", true).exited("init1", 0).build())))
        .containsExactly("init2");
    assertThat(
            starts(
                compute(
                    p,
                    RuntimeStates.pod()
                        .sandbox("s1", true)
                        .exited("init1", 0)
                        .exited("init2", 0)
                        .build())))
        .containsExactly("app");
  }

  @Test
  void aFailedInitContainerIsRetriedUnlessThePodNeverRestarts() {
    PodRuntimeState failed = RuntimeStates.pod().sandbox("s1", true).exited("init1", 1).build();
    assertThat(starts(compute(pod("Always", List.of(INIT1), APP), failed)))
        .containsExactly("init1");
    PodActions never = compute(pod("Never", List.of(INIT1), APP), failed);
    assertThat(never.initFailed()).isTrue();
    assertThat(never.killPod()).isTrue();
    assertThat(never.toStart()).isEmpty();
  }

  @Test
  void exitedContainersRestartByPolicy() {
    PodRuntimeState ok = RuntimeStates.pod().sandbox("s1", true).exited("app", 0).build();
    PodRuntimeState bad = RuntimeStates.pod().sandbox("s1", true).exited("app", 2).build();
    assertThat(starts(compute(pod("Always", List.of(), APP), ok))).containsExactly("app");
    assertThat(starts(compute(pod("OnFailure", List.of(), APP), bad))).containsExactly("app");
    PodActions onFailureDone = compute(pod("OnFailure", List.of(), APP), ok);
    assertThat(onFailureDone.toStart()).isEmpty();
    assertThat(onFailureDone.killPod()).isTrue();
    assertThat(compute(pod("Never", List.of(), APP), bad).toStart()).isEmpty();
  }

  @Test
  void aRunningContainerIsLeftAloneUnlessItsSpecChanged() {
    Pod p = pod("Always", List.of(), APP);
    assertThat(
            compute(p, RuntimeStates.pod().sandbox("s1", true).running("app", APP).build())
                .nothing())
        .isTrue();
    Container old = new ContainerBuilder(APP).withImage("busybox:old").build();
    PodActions a = compute(p, RuntimeStates.pod().sandbox("s1", true).running("app", old).build());
    assertThat(a.toKill()).hasSize(1);
    assertThat(a.toKill().get(0).message())
        .isEqualTo("Container app definition changed, will be restarted");
    assertThat(starts(a)).containsExactly("app");
  }

  @Test
  void aDeadSandboxIsReplacedAndAPodThatNeverRestartsStaysDone() {
    PodRuntimeState dead = RuntimeStates.pod().sandbox("s1", false).exited("app", 0).build();
    PodActions always = compute(pod("Always", List.of(), APP), dead);
    assertThat(always.createSandbox()).isTrue();
    assertThat(always.killPod()).isTrue();
    assertThat(always.attempt()).isEqualTo(1);
    PodActions never = compute(pod("Never", List.of(), APP), dead);
    assertThat(never.createSandbox()).isFalse();
    assertThat(never.toStart()).isEmpty();
  }

  @Test
  void sidecarsStartWithTheInitContainersAndKeepRunning() {
    Container sidecar = new ContainerBuilder(SIDE).withRestartPolicy("Always").build();
    Pod p = pod("Always", List.of(sidecar, INIT1), APP);
    assertThat(starts(compute(p, RuntimeStates.pod().sandbox("s1", true).build())))
        .containsExactly("side");
    assertThat(
            starts(
                compute(
                    p, RuntimeStates.pod().sandbox("s1", true).running("side", sidecar).build())))
        .containsExactly("init1");
    assertThat(
            starts(
                compute(
                    p,
                    RuntimeStates.pod()
                        .sandbox("s1", true)
                        .running("side", sidecar)
                        .exited("init1", 0)
                        .build())))
        .containsExactly("app");
  }
}
