package io.k8j.kubelet.kuberuntime;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8j.common.FakeClock;
import io.k8j.cri.v1.ContainerConfig;
import io.k8j.cri.v1.ContainerMetadata;
import io.k8j.cri.v1.ContainerState;
import io.k8j.cri.v1.ContainerStatusResponse;
import io.k8j.cri.v1.PodSandboxConfig;
import io.k8j.cri.v1.PodSandboxMetadata;
import io.k8j.cri.v1.PodSandboxState;
import io.k8j.cri.v1.PodSandboxStatusResponse;
import io.k8j.kubelet.runtime.ContainerRuntime;
import io.k8j.kubelet.runtime.simulated.SimulatedRuntime;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The reader remembers what cannot change (a ready sandbox's addresses, a running or exited
 * container's status) and still shows every change of state: a container exiting, a sandbox
 * stopping, a new instance.
 */
class RuntimeStateReaderTest {
  final SimulatedRuntime sim = new SimulatedRuntime(new FakeClock(), "10.9.0.0/24");
  final AtomicInteger statusCalls = new AtomicInteger();
  final ContainerRuntime counting =
      (ContainerRuntime)
          Proxy.newProxyInstance(
              ContainerRuntime.class.getClassLoader(),
              new Class<?>[] {ContainerRuntime.class},
              (proxy, method, args) -> {
                if (method.getReturnType() == ContainerStatusResponse.class
                    || method.getReturnType() == PodSandboxStatusResponse.class) {
                  statusCalls.incrementAndGet();
                }
                try {
                  return method.invoke(sim, args);
                } catch (java.lang.reflect.InvocationTargetException e) {
                  throw e.getCause();
                }
              });
  final RuntimeStateReader reader = new RuntimeStateReader(counting);

  PodSandboxConfig sandbox(String uid) {
    return PodSandboxConfig.newBuilder()
        .setMetadata(PodSandboxMetadata.newBuilder().setName("p").setUid(uid).setNamespace("ns"))
        .putLabels(Labels.POD_UID, uid)
        .build();
  }

  String container(String sandboxId, PodSandboxConfig sb, String name, int attempt) {
    String id =
        sim.createContainer(
            sandboxId,
            ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName(name).setAttempt(attempt))
                .putLabels(Labels.POD_UID, sb.getLabelsOrThrow(Labels.POD_UID))
                .putLabels(Labels.CONTAINER_NAME, name)
                .build(),
            sb);
    sim.startContainer(id);
    return id;
  }

  @Test
  void aSettledPodIsReadWithoutAskingForStatusesAgain() {
    PodSandboxConfig sb = sandbox("u1");
    String sandboxId = sim.runPodSandbox(sb);
    container(sandboxId, sb, "app", 0);

    PodRuntimeState first = reader.read("u1");
    int asked = statusCalls.get();
    PodRuntimeState again = reader.read("u1");

    assertThat(statusCalls.get()).isEqualTo(asked);
    assertThat(again.podIps()).isEqualTo(first.podIps()).isNotEmpty();
    assertThat(again.anyRunning()).isTrue();
  }

  @Test
  void aContainerThatExitsIsSeenExitedAndARestartIsSeen() {
    PodSandboxConfig sb = sandbox("u2");
    String sandboxId = sim.runPodSandbox(sb);
    String first = container(sandboxId, sb, "app", 0);
    reader.read("u2");

    sim.stopContainer(first, 0);
    PodRuntimeState exited = reader.read("u2");
    assertThat(exited.instances("app"))
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.status().getState()).isEqualTo(ContainerState.CONTAINER_EXITED);
              assertThat(i.status().getFinishedAt()).isPositive();
            });

    String second = container(sandboxId, sb, "app", 1);
    PodRuntimeState restarted = reader.read("u2");
    assertThat(restarted.instances("app")).hasSize(2);
    assertThat(restarted.latest("app").orElseThrow().status().getId()).isEqualTo(second);
    assertThat(restarted.anyRunning()).isTrue();
  }

  @Test
  void aStoppedSandboxIsSeenStoppedAndAGonePodIsEmpty() {
    PodSandboxConfig sb = sandbox("u3");
    String sandboxId = sim.runPodSandbox(sb);
    String c = container(sandboxId, sb, "app", 0);
    reader.read("u3");

    sim.stopPodSandbox(sandboxId);
    PodRuntimeState stopped = reader.read("u3");
    assertThat(stopped.sandboxes())
        .singleElement()
        .satisfies(s -> assertThat(s.state()).isEqualTo(PodSandboxState.SANDBOX_NOTREADY));
    assertThat(stopped.anyRunning()).isFalse();

    sim.removeContainer(c);
    sim.removePodSandbox(sandboxId);
    PodRuntimeState gone = reader.read("u3");
    assertThat(gone.sandboxes()).isEmpty();
    assertThat(gone.instances("app")).isEmpty();
  }
}
