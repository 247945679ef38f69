package io.k8j.kubelet.stats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Reads a cgroup's usage: on cgroup v2 {@code cpu.stat} ({@code usage_usec}), {@code
 * memory.current} and {@code memory.stat} ({@code inactive_file}); on v1 {@code cpuacct.usage},
 * {@code memory.usage_in_bytes} and {@code memory.stat} ({@code total_inactive_file}).
 */
public final class CgroupUsage {
  private CgroupUsage() {}

  /** A v2 cgroup's usage. */
  public static Usage v2(Path dir, Instant now) throws IOException {
    long cpu = statField(Files.readString(dir.resolve("cpu.stat")), "usage_usec") * 1000;
    long mem = Long.parseLong(Files.readString(dir.resolve("memory.current")).strip());
    long inactive = statField(Files.readString(dir.resolve("memory.stat")), "inactive_file");
    return new Usage(now, cpu, mem, Math.max(0, mem - inactive));
  }

  /** A v1 cgroup's usage, from its cpuacct and memory hierarchies. */
  public static Usage v1(Path cpuacct, Path memory, Instant now) throws IOException {
    long cpu = Long.parseLong(Files.readString(cpuacct.resolve("cpuacct.usage")).strip());
    long mem = Long.parseLong(Files.readString(memory.resolve("memory.usage_in_bytes")).strip());
    long inactive =
        statField(Files.readString(memory.resolve("memory.stat")), "total_inactive_file");
    return new Usage(now, cpu, mem, Math.max(0, mem - inactive));
  }

  /** The value of {@code name} in a flat-keyed file ({@code key value} per line), 0 if absent. */
  static long statField(String text, String name) {
    for (String line : text.split("\n")) {
      int sp = line.indexOf(' ');
      if (sp > 0 && line.substring(0, sp).equals(name)) {
        return Long.parseLong(line.substring(sp + 1).strip());
      }
    }
    return 0;
  }
}
