package io.k8j.kubelet.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsageTest {
  @TempDir Path dir;
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void theRingKeepsTheLastSamplesAndGivesTheCpuRate() {
    UsageRing ring = new UsageRing(3);
    assertThat(ring.latest()).isNull();
    assertThat(ring.nanoCores()).isEqualTo(-1);
    for (int i = 0; i < 5; i++) {
      // half a core: 5 s of CPU every 10 s
      ring.add(new Usage(T0.plusSeconds(10L * i), 5_000_000_000L * i, 100 + i, 50 + i));
    }
    assertThat(ring.samples()).extracting(Usage::workingSetBytes).containsExactly(52L, 53L, 54L);
    assertThat(ring.latest().memoryBytes()).isEqualTo(104);
    assertThat(ring.nanoCores()).isEqualTo(500_000_000L);
    assertThat(ring.window()).isEqualTo(Duration.ofSeconds(10));
    ring.add(new Usage(T0.plusSeconds(60), 0, 1, 1));
    assertThat(ring.nanoCores()).as("a counter that went back").isEqualTo(-1);
  }

  @Test
  void readsCgroupV2() throws Exception {
    Files.writeString(
        dir.resolve("cpu.stat"), "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\n");
    Files.writeString(dir.resolve("memory.current"), "10485760\n");
    Files.writeString(dir.resolve("memory.stat"), "anon 100\nfile 4096\ninactive_file 1048576\n");
    Usage u = CgroupUsage.v2(dir, T0);
    assertThat(u.cpuNanos()).isEqualTo(1_500_000);
    assertThat(u.memoryBytes()).isEqualTo(10485760);
    assertThat(u.workingSetBytes()).isEqualTo(10485760 - 1048576);
  }

  @Test
  void readsCgroupV1() throws Exception {
    Path cpu = Files.createDirectories(dir.resolve("cpuacct"));
    Path mem = Files.createDirectories(dir.resolve("memory"));
    Files.writeString(cpu.resolve("cpuacct.usage"), "123456789\n");
    Files.writeString(mem.resolve("memory.usage_in_bytes"), "2000\n");
    Files.writeString(mem.resolve("memory.stat"), "inactive_file 7\ntotal_inactive_file 500\n");
    Usage u = CgroupUsage.v1(cpu, mem, T0);
    assertThat(u.cpuNanos()).isEqualTo(123456789);
    assertThat(u.workingSetBytes()).isEqualTo(1500);
  }

  @Test
  void readsTheNodeFromProc() {
    Usage u =
        NodeUsage.parse(
            "cpu  100 20 30 1000 50 5 5 0 0 0\ncpu0 50 10 15 500 25 2 2 0 0 0\n",
            "MemTotal:       8000 kB\nMemFree:        1000 kB\nMemAvailable:   3000 kB\n",
            T0);
    // user + nice + system + irq + softirq = 160 ticks of 10 ms
    assertThat(u.cpuNanos()).isEqualTo(1_600_000_000L);
    assertThat(u.memoryBytes()).isEqualTo(7000 * 1024L);
    assertThat(u.workingSetBytes()).isEqualTo(5000 * 1024L);
  }
}
