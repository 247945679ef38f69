package io.k8j.kubelet.runtime.cri;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.k8j.cri.v1.ContainerConfig;
import io.k8j.cri.v1.ContainerMetadata;
import io.k8j.cri.v1.ContainerState;
import io.k8j.cri.v1.ImageSpec;
import io.k8j.cri.v1.LinuxContainerConfig;
import io.k8j.cri.v1.LinuxContainerResources;
import io.k8j.cri.v1.PodSandboxConfig;
import io.k8j.cri.v1.PodSandboxMetadata;
import io.k8j.cri.v1.PodSandboxState;
import io.k8j.kubelet.runtime.RuntimeCallException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CriRuntimeIT {
  static ContainerdFixture ctd;

  @BeforeAll
  static void start() throws Exception {
    ctd = ContainerdFixture.start("cri-it", "10.88.7.0/24");
  }

  @AfterAll
  static void stop() {
    if (ctd != null) {
      ctd.close();
    }
  }

  static PodSandboxConfig sandbox(String name) {
    return PodSandboxConfig.newBuilder()
        .setMetadata(
            PodSandboxMetadata.newBuilder().setName(name).setNamespace("default").setUid(name))
        .setHostname(name)
        .setLogDirectory(ctd.dir.resolve("logs/" + name).toString())
        .build();
  }

  @Test
  void runsAContainerInASandboxWithAnAddressAndALog() throws Exception {
    var version = ctd.cri.version();
    assertThat(version.getRuntimeName()).isEqualTo("containerd");
    assertThat(version.getRuntimeApiVersion()).isEqualTo("v1");

    PodSandboxConfig sc = sandbox("p1");
    String sb = ctd.cri.runPodSandbox(sc);
    var status = ctd.cri.podSandboxStatus(sb).getStatus();
    assertThat(status.getState()).isEqualTo(PodSandboxState.SANDBOX_READY);
    assertThat(status.getNetwork().getIp()).startsWith("10.88.7.");

    ContainerConfig cc =
        ContainerConfig.newBuilder()
            .setMetadata(ContainerMetadata.newBuilder().setName("c").setAttempt(0))
            .setImage(ImageSpec.newBuilder().setImage(ContainerdFixture.BUSYBOX))
            .addAllCommand(List.of("sh", "-c", "echo hello; exec sleep 300"))
            .setLogPath("c/0.log")
            .setLinux(
                LinuxContainerConfig.newBuilder()
                    .setResources(
                        LinuxContainerResources.newBuilder()
                            .setMemoryLimitInBytes(64 << 20)
                            .setCpuShares(256)))
            .build();
    String c = ctd.cri.createContainer(sb, cc, sc);
    ctd.cri.startContainer(c);
    assertThat(ctd.cri.containerStatus(c).getStatus().getState())
        .isEqualTo(ContainerState.CONTAINER_RUNNING);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                Files.exists(ctd.dir.resolve("logs/p1/c/0.log"))
                    && Files.readString(ctd.dir.resolve("logs/p1/c/0.log"))
                        .contains(" stdout F hello"));

    var exec = ctd.cri.execSync(c, List.of("cat", "/etc/hostname"), Duration.ofSeconds(5));
    assertThat(exec.getExitCode()).isZero();
    assertThat(exec.getStdout().toStringUtf8().strip()).isEqualTo("p1");

    ctd.cri.stopContainer(c, 5);
    var stopped = ctd.cri.containerStatus(c).getStatus();
    assertThat(stopped.getState()).isEqualTo(ContainerState.CONTAINER_EXITED);
    // busybox sleep ends on SIGTERM: 128 + 15
    assertThat(stopped.getExitCode()).isEqualTo(143);
    ctd.cri.removeContainer(c);
    assertThatThrownBy(() -> ctd.cri.containerStatus(c))
        .isInstanceOfSatisfying(RuntimeCallException.class, e -> assertThat(e.notFound()).isTrue());
    ctd.cri.stopPodSandbox(sb);
    ctd.cri.removePodSandbox(sb);
  }

  @Test
  void aMissingImageFailsToPull() {
    assertThatThrownBy(
            () ->
                ctd.cri.pullImage(
                    ImageSpec.newBuilder().setImage("k8j.invalid/nothing:1").build(), null, null))
        .isInstanceOf(RuntimeCallException.class);
    assertThat(
            ctd.cri.imageStatus(ImageSpec.newBuilder().setImage("k8j.invalid/nothing:1").build()))
        .isEmpty();
    assertThat(ctd.cri.imageStatus(ImageSpec.newBuilder().setImage("busybox").build())).isPresent();
  }
}
