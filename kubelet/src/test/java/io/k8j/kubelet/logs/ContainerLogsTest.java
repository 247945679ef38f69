package io.k8j.kubelet.logs;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8j.common.FakeClock;
import io.k8j.kubelet.runtime.simulated.SimulatedRuntime;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerLogsTest {
  @TempDir Path dir;
  final FakeClock clock = new FakeClock();

  @Test
  void writesTheCriFormatSplittingLongLines() throws Exception {
    Path log = dir.resolve("app/0.log");
    try (CriLogWriter w = new CriLogWriter(log, clock)) {
      String input = "hello\nworld\n" + "x".repeat(CriLogWriter.MAX_LINE + 10) + "\n";
      w.pump(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), "stdout");
    }
    List<String> lines = Files.readAllLines(log);
    assertThat(lines.get(0)).isEqualTo("2026-01-01T00:00:00Z stdout F hello");
    assertThat(lines.get(1)).isEqualTo("2026-01-01T00:00:00Z stdout F world");
    assertThat(lines.get(2)).startsWith("2026-01-01T00:00:00Z stdout P xxx");
    assertThat(lines.get(3)).isEqualTo("2026-01-01T00:00:00Z stdout F " + "x".repeat(10));
  }

  @Test
  void rotatesBySizeKeepingMaxFiles() throws Exception {
    ContainerLogManager m =
        new ContainerLogManager(
            new SimulatedRuntime(clock, "10.0.0.0/24"), clock, 100, 3, Duration.ofSeconds(10));
    Path log = dir.resolve("0.log");
    for (int i = 0; i < 5; i++) {
      Files.writeString(log, "y".repeat(150));
      m.rotate("c1", log);
      clock.advance(Duration.ofSeconds(1));
    }
    try (var s = Files.list(dir)) {
      assertThat(s.filter(p -> p.getFileName().toString().startsWith("0.log.")).count())
          .isEqualTo(2);
    }
    Files.writeString(log, "small");
    m.rotate("c1", log);
    assertThat(Files.readString(log)).isEqualTo("small");
  }
}
