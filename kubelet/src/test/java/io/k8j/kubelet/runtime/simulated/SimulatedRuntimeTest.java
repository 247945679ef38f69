package io.k8j.kubelet.runtime.simulated;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8j.common.Clock;
import io.k8j.cri.v1.Container;
import io.k8j.cri.v1.ContainerConfig;
import io.k8j.cri.v1.ContainerFilter;
import io.k8j.cri.v1.ContainerMetadata;
import io.k8j.cri.v1.ContainerState;
import io.k8j.cri.v1.ContainerStateValue;
import io.k8j.cri.v1.ImageSpec;
import io.k8j.cri.v1.PodSandbox;
import io.k8j.cri.v1.PodSandboxConfig;
import io.k8j.cri.v1.PodSandboxFilter;
import io.k8j.cri.v1.PodSandboxMetadata;
import io.k8j.kubelet.kuberuntime.Labels;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulatedRuntimeTest {
  private static PodSandboxConfig sandbox(String uid) {
    return PodSandboxConfig.newBuilder()
        .setMetadata(PodSandboxMetadata.newBuilder().setName(uid).setNamespace("ns").setUid(uid))
        .putLabels(Labels.POD_UID, uid)
        .build();
  }

  private static String container(SimulatedRuntime rt, String sandboxId, String uid, String name) {
    String id =
        rt.createContainer(
            sandboxId,
            ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName(name))
                .setImage(ImageSpec.newBuilder().setImage("busybox:1.36"))
                .putLabels(Labels.POD_UID, uid)
                .build(),
            sandbox(uid));
    rt.startContainer(id);
    return id;
  }

  private static List<String> sandboxesOf(SimulatedRuntime rt, String uid) {
    return rt
        .listPodSandbox(PodSandboxFilter.newBuilder().putLabelSelector(Labels.POD_UID, uid).build())
        .stream()
        .map(PodSandbox::getId)
        .toList();
  }

  private static List<String> containersOf(SimulatedRuntime rt, String uid) {
    return rt
        .listContainers(ContainerFilter.newBuilder().putLabelSelector(Labels.POD_UID, uid).build())
        .stream()
        .map(Container::getId)
        .toList();
  }

  @Test
  void aPodsSandboxesAndContainersAreListedByItsUidAndGoWithTheSandbox() {
    SimulatedRuntime rt = new SimulatedRuntime(Clock.SYSTEM, "10.88.0.0/24");
    String a = rt.runPodSandbox(sandbox("uid-a"));
    String b = rt.runPodSandbox(sandbox("uid-b"));
    String a1 = container(rt, a, "uid-a", "one");
    String a2 = container(rt, a, "uid-a", "two");
    String b1 = container(rt, b, "uid-b", "one");

    assertThat(sandboxesOf(rt, "uid-a")).containsExactly(a);
    assertThat(containersOf(rt, "uid-a")).containsExactly(a1, a2);
    assertThat(containersOf(rt, "uid-b")).containsExactly(b1);
    assertThat(containersOf(rt, "uid-none")).isEmpty();
    assertThat(
            rt.listContainers(
                ContainerFilter.newBuilder()
                    .setId(a2)
                    .putLabelSelector(Labels.POD_UID, "uid-b")
                    .build()))
        .isEmpty();
    assertThat(
            rt.listContainers(
                    ContainerFilter.newBuilder()
                        .putLabelSelector(Labels.POD_UID, "uid-a")
                        .setState(
                            ContainerStateValue.newBuilder()
                                .setState(ContainerState.CONTAINER_RUNNING))
                        .build())
                .size())
        .isEqualTo(2);

    rt.stopContainer(a1, 0);
    rt.removeContainer(a1);
    assertThat(containersOf(rt, "uid-a")).containsExactly(a2);

    rt.removePodSandbox(a);
    assertThat(sandboxesOf(rt, "uid-a")).isEmpty();
    assertThat(containersOf(rt, "uid-a")).isEmpty();
    assertThat(rt.listContainers(null)).extracting(Container::getId).containsExactly(b1);
    assertThat(rt.listPodSandbox(null)).extracting(PodSandbox::getId).containsExactly(b);
  }
}
