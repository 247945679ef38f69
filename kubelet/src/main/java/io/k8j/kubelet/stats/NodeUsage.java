package io.k8j.kubelet.stats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The node's usage from {@code /proc/stat} (CPU time of every state but idle and iowait, in USER_HZ
 * ticks of 10 ms) and {@code /proc/meminfo} (in use: total minus free; working set: total minus
 * available).
 */
public final class NodeUsage {
  private static final long NANOS_PER_TICK = 10_000_000L;

  private final Path proc;

  public NodeUsage(Path proc) {
    this.proc = proc;
  }

  public Usage read(Instant now) throws IOException {
    return parse(
        Files.readString(proc.resolve("stat")), Files.readString(proc.resolve("meminfo")), now);
  }

  static Usage parse(String stat, String meminfo, Instant now) {
    long cpu = 0;
    for (String line : stat.split("\n")) {
      if (line.startsWith("cpu ")) {
        String[] f = line.trim().split("\\s+");
        // user nice system idle iowait irq softirq steal
        for (int i = 1; i < f.length && i <= 8; i++) {
          if (i != 4 && i != 5) {
            cpu += Long.parseLong(f[i]);
          }
        }
        break;
      }
    }
    long total = meminfo(meminfo, "MemTotal");
    long free = meminfo(meminfo, "MemFree");
    long available = meminfo(meminfo, "MemAvailable");
    return new Usage(now, cpu * NANOS_PER_TICK, total - free, Math.max(0, total - available));
  }

  private static long meminfo(String text, String key) {
    for (String line : text.split("\n")) {
      if (line.startsWith(key + ":")) {
        String[] f = line.substring(key.length() + 1).trim().split("\\s+");
        long v = Long.parseLong(f[0]);
        return f.length > 1 && f[1].equals("kB") ? v * 1024 : v;
      }
    }
    return 0;
  }
}
