package io.k8j.kubelet.volume;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8j.kubelet.volume.AtomicWriter.FileProjection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicWriterTest {
  @TempDir Path dir;

  static FileProjection f(String s) {
    return new FileProjection(s.getBytes(StandardCharsets.UTF_8), 0644);
  }

  @Test
  void writesThroughDataSymlinkAndUpdatesInPlace() throws Exception {
    assertThat(AtomicWriter.write(dir, Map.of("color", f("blue"), "conf/app.yaml", f("a: 1"))))
        .isTrue();
    assertThat(Files.readString(dir.resolve("color"))).isEqualTo("blue");
    assertThat(Files.readString(dir.resolve("conf/app.yaml"))).isEqualTo("a: 1");
    assertThat(Files.isSymbolicLink(dir.resolve("color"))).isTrue();
    assertThat(Files.isSymbolicLink(dir.resolve("..data"))).isTrue();

    assertThat(AtomicWriter.write(dir, Map.of("color", f("blue"), "conf/app.yaml", f("a: 1"))))
        .isFalse();

    assertThat(AtomicWriter.write(dir, Map.of("color", f("green")))).isTrue();
    assertThat(Files.readString(dir.resolve("color"))).isEqualTo("green");
    assertThat(Files.exists(dir.resolve("conf"))).isFalse();
    try (var s = Files.list(dir)) {
      assertThat(s.filter(p -> p.getFileName().toString().startsWith("..2")).count()).isEqualTo(1);
    }
  }
}
