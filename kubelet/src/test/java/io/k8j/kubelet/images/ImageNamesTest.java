package io.k8j.kubelet.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageNamesTest {
  @Test
  void normalizesLikeDocker() {
    assertThat(ImageNames.normalize("busybox")).isEqualTo("docker.io/library/busybox:latest");
    assertThat(ImageNames.normalize("busybox:1.36")).isEqualTo("docker.io/library/busybox:1.36");
    assertThat(ImageNames.normalize("me/app")).isEqualTo("docker.io/me/app:latest");
    assertThat(ImageNames.normalize("localhost:5000/app")).isEqualTo("localhost:5000/app:latest");
    assertThat(ImageNames.normalize("registry.k8s.io/pause:3.9"))
        .isEqualTo("registry.k8s.io/pause:3.9");
    assertThat(ImageNames.isLatest("busybox")).isTrue();
    assertThat(ImageNames.isLatest("busybox:1.36")).isFalse();
  }

  @Test
  void anImageWrittenIsReadBackWithItsName(@TempDir Path dir) {
    Path tar = dir.resolve("bb.tar");
    BusyboxImage.write(tar, "busybox:1.36");
    ImageArchive a = ImageArchive.read(tar);
    assertThat(a.format()).isEqualTo("oci");
    assertThat(a.names()).containsExactly("docker.io/library/busybox:1.36");
  }
}
