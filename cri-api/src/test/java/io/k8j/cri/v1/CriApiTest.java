package io.k8j.cri.v1;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CriApiTest {
  @Test
  void servicesKeepTheWireNamesContainerdServes() {
    assertThat(RuntimeServiceGrpc.SERVICE_NAME).isEqualTo("runtime.v1.RuntimeService");
    assertThat(ImageServiceGrpc.SERVICE_NAME).isEqualTo("runtime.v1.ImageService");
    assertThat(RuntimeServiceGrpc.getRunPodSandboxMethod().getFullMethodName())
        .isEqualTo("runtime.v1.RuntimeService/RunPodSandbox");
  }

  @Test
  void messagesRoundTripWithTheirFieldNumbers() throws Exception {
    ContainerConfig config =
        ContainerConfig.newBuilder()
            .setMetadata(ContainerMetadata.newBuilder().setName("app").setAttempt(2))
            .setImage(ImageSpec.newBuilder().setImage("busybox:latest"))
            .addCommand("sleep")
            .addArgs("3600")
            .putLabels("io.kubernetes.pod.uid", "u-1")
            .setLogPath("app/2.log")
            .build();
    byte[] wire = config.toByteArray();
    assertThat(ContainerConfig.parseFrom(wire)).isEqualTo(config);
    // log_path is field 11, length-delimited: tag byte (11 << 3) | 2
    assertThat(wire).contains((byte) ((11 << 3) | 2));
  }
}
