package io.k8j.kubelet.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.k8j.common.Clock;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerLogReaderTest {
  @TempDir Path dir;
  final ContainerLogReader reader = new ContainerLogReader(Clock.SYSTEM, Duration.ofMillis(10));

  static final String LOG =
      """
      2026-01-01T00:00:01.000000001Z stdout F one
      2026-01-01T00:00:02Z stderr F two
      2026-01-01T00:00:03Z stdout P thr
      2026-01-01T00:00:03.5Z stdout F ee
      2026-01-01T00:00:04Z stdout F four
      """;

  private String read(LogOptions opts) throws Exception {
    Path log = dir.resolve("0.log");
    Files.writeString(log, LOG);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    reader.read(log, opts, () -> false, out);
    return out.toString(StandardCharsets.UTF_8);
  }

  private static LogOptions opts(Map<String, String> q) {
    return LogOptions.fromQuery(q::get, Instant.parse("2026-01-01T00:00:10Z"));
  }

  @Test
  void readsTheContentOfEveryRecordJoiningPartialOnes() throws Exception {
    assertThat(read(LogOptions.ALL)).isEqualTo("one\ntwo\nthree\nfour\n");
  }

  @Test
  void tailCountsRecordsFromTheEnd() throws Exception {
    assertThat(read(opts(Map.of("tailLines", "1")))).isEqualTo("four\n");
    assertThat(read(opts(Map.of("tailLines", "3")))).isEqualTo("three\nfour\n");
    assertThat(read(opts(Map.of("tailLines", "0")))).isEmpty();
    assertThat(read(opts(Map.of("tailLines", "100")))).isEqualTo("one\ntwo\nthree\nfour\n");
  }

  @Test
  void sinceSkipsOlderRecords() throws Exception {
    assertThat(read(opts(Map.of("sinceTime", "2026-01-01T00:00:04Z")))).isEqualTo("four\n");
    assertThat(read(opts(Map.of("sinceSeconds", "7")))).isEqualTo("three\nfour\n");
    assertThat(read(opts(Map.of("sinceSeconds", "3600")))).isEqualTo("one\ntwo\nthree\nfour\n");
  }

  @Test
  void timestampsArePassedOnAsWritten() throws Exception {
    assertThat(read(opts(Map.of("timestamps", "true", "tailLines", "2"))))
        .isEqualTo("2026-01-01T00:00:03.5Z ee\n2026-01-01T00:00:04Z four\n");
    assertThat(read(opts(Map.of("timestamps", "true"))))
        .startsWith("2026-01-01T00:00:01.000000001Z one\n");
  }

  @Test
  void limitBytesCutsTheOutput() throws Exception {
    assertThat(read(opts(Map.of("limitBytes", "6")))).isEqualTo("one\ntw");
  }

  @Test
  void badOptionsNameTheParameter() {
    assertThatThrownBy(() -> opts(Map.of("tailLines", "-2")))
        .hasMessageStartingWith("tailLines: Invalid value");
    assertThatThrownBy(() -> opts(Map.of("sinceSeconds", "0")))
        .hasMessageStartingWith("sinceSeconds: Invalid value");
    assertThatThrownBy(() -> opts(Map.of("sinceTime", "yesterday")))
        .hasMessageStartingWith("sinceTime: Invalid value");
    assertThatThrownBy(() -> opts(Map.of("sinceTime", "2026-01-01T00:00:00Z", "sinceSeconds", "1")))
        .hasMessageContaining("at most one of");
    assertThatThrownBy(() -> opts(Map.of("limitBytes", "x")))
        .hasMessageStartingWith("limitBytes: Invalid value");
  }

  @Test
  void followGoesOnAcrossRotationAndEndsWhenTheContainerStops() throws Exception {
    Path log = dir.resolve("0.log");
    Files.writeString(log, "2026-01-01T00:00:01Z stdout F a1\n");
    AtomicBoolean running = new AtomicBoolean(true);
    StringBuffer got = new StringBuffer();
    OutputStream out =
        new OutputStream() {
          @Override
          public void write(int b) {
            got.append((char) b);
          }

          @Override
          public void write(byte[] b, int off, int len) {
            got.append(new String(b, off, len, StandardCharsets.UTF_8));
          }
        };
    Thread t =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    reader.read(log, opts(Map.of("follow", "true")), running::get, out);
                  } catch (Exception e) {
                    got.append("failed: ").append(e);
                  }
                });
    await().atMost(Duration.ofSeconds(30)).until(() -> got.toString().equals("a1\n"));
    append(log, "2026-01-01T00:00:02Z stdout F a2\n2026-01-01T00:00:03Z stdout P a3-");
    await().atMost(Duration.ofSeconds(30)).until(() -> got.toString().equals("a1\na2\n"));
    append(log, "\n");
    Files.move(log, dir.resolve("0.log.20260101-000003"));
    append(log, "2026-01-01T00:00:04Z stdout F b1\n");
    await().atMost(Duration.ofSeconds(30)).until(() -> got.toString().endsWith("b1\n"));
    assertThat(t.isAlive()).isTrue();
    append(log, "2026-01-01T00:00:05Z stdout F b2\n");
    running.set(false);
    t.join(Duration.ofSeconds(30));
    assertThat(t.isAlive()).isFalse();
    assertThat(got.toString()).isEqualTo("a1\na2\na3-b1\nb2\n");
  }

  @Test
  void followWithTailStartsAtTheLastLines() throws Exception {
    Path log = dir.resolve("0.log");
    Files.writeString(log, LOG);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    reader.read(log, opts(Map.of("follow", "true", "tailLines", "1")), () -> false, out);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("four\n");
  }

  private static void append(Path p, String s) throws Exception {
    Files.writeString(p, s, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }
}
