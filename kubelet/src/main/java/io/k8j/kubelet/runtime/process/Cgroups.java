package io.k8j.kubelet.runtime.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A container's cgroup for the process runtime, on cgroup v2 or v1 (memory and cpu controllers):
 * memory limit, cpu shares (weight) and quota, and whether the kernel OOM-killed in it.
 */
final class Cgroups {
  private static final Path ROOT = Path.of("/sys/fs/cgroup");

  private final String relative;
  private final boolean v2;

  /**
   * @param relative the cgroup's path below each hierarchy, e.g. {@code k8j/<sandbox>/<ctr>}
   */
  Cgroups(String relative) {
    this.relative = relative;
    this.v2 = Files.exists(ROOT.resolve("cgroup.controllers"));
  }

  static boolean available() {
    return Files.isWritable(ROOT.resolve("cgroup.controllers"))
        || Files.isWritable(ROOT.resolve("memory"));
  }

  /** The cgroup.procs files a process joins (written by the container's wrapper script). */
  List<Path> procsFiles() {
    List<Path> out = new ArrayList<>();
    for (Path d : dirs()) {
      out.add(d.resolve("cgroup.procs"));
    }
    return out;
  }

  private List<Path> dirs() {
    if (v2) {
      return List.of(ROOT.resolve(relative));
    }
    List<Path> out = new ArrayList<>();
    out.add(ROOT.resolve("memory").resolve(relative));
    out.add(ROOT.resolve("cpu").resolve(relative));
    if (separateCpuacct()) {
      out.add(ROOT.resolve("cpuacct").resolve(relative));
    }
    return out;
  }

  /** On v1, whether cpuacct is a hierarchy of its own (not mounted together with cpu). */
  private static boolean separateCpuacct() {
    Path cpuacct = ROOT.resolve("cpuacct");
    try {
      return Files.isDirectory(cpuacct)
          && !Files.isSameFile(cpuacct, ROOT.resolve("cpu"))
          && Files.exists(cpuacct.resolve("cpuacct.usage"));
    } catch (IOException e) {
      return false;
    }
  }

  /** The cgroup's CPU and memory usage now. */
  io.k8j.kubelet.stats.Usage usage(java.time.Instant now) throws IOException {
    if (v2) {
      return io.k8j.kubelet.stats.CgroupUsage.v2(ROOT.resolve(relative), now);
    }
    Path cpuacct = ROOT.resolve(separateCpuacct() ? "cpuacct" : "cpu").resolve(relative);
    return io.k8j.kubelet.stats.CgroupUsage.v1(
        cpuacct, ROOT.resolve("memory").resolve(relative), now);
  }

  void create(long memoryLimit, long cpuShares, long cpuQuota, long cpuPeriod) throws IOException {
    if (v2) {
      Path parent = ROOT;
      for (String part : relative.split("/")) {
        enable(parent);
        parent = parent.resolve(part);
        Files.createDirectories(parent);
      }
      Path d = ROOT.resolve(relative);
      if (memoryLimit > 0) {
        Files.writeString(d.resolve("memory.max"), Long.toString(memoryLimit));
        write(d.resolve("memory.swap.max"), "0");
      }
      if (cpuShares > 0) {
        long weight = 1 + ((cpuShares - 2) * 9999) / 262142;
        Files.writeString(
            d.resolve("cpu.weight"), Long.toString(Math.max(1, Math.min(10000, weight))));
      }
      if (cpuQuota > 0) {
        Files.writeString(d.resolve("cpu.max"), cpuQuota + " " + cpuPeriod);
      }
      return;
    }
    Path mem = ROOT.resolve("memory").resolve(relative);
    Path cpu = ROOT.resolve("cpu").resolve(relative);
    for (Path d : dirs()) {
      Files.createDirectories(d);
    }
    if (memoryLimit > 0) {
      Files.writeString(mem.resolve("memory.limit_in_bytes"), Long.toString(memoryLimit));
      write(mem.resolve("memory.memsw.limit_in_bytes"), Long.toString(memoryLimit));
    }
    if (cpuShares > 0) {
      Files.writeString(cpu.resolve("cpu.shares"), Long.toString(cpuShares));
    }
    if (cpuQuota > 0) {
      Files.writeString(cpu.resolve("cpu.cfs_period_us"), Long.toString(cpuPeriod));
      Files.writeString(cpu.resolve("cpu.cfs_quota_us"), Long.toString(cpuQuota));
    }
  }

  private static void enable(Path dir) {
    write(dir.resolve("cgroup.subtree_control"), "+memory +cpu");
  }

  private static void write(Path f, String v) {
    try {
      Files.writeString(f, v);
    } catch (IOException ignored) {
      // optional setting (swap accounting, a controller already enabled)
    }
  }

  /** True when the kernel's OOM killer killed a process of this cgroup. */
  boolean oomKilled() {
    try {
      Path f =
          v2
              ? ROOT.resolve(relative).resolve("memory.events")
              : ROOT.resolve("memory").resolve(relative).resolve("memory.oom_control");
      for (String line : Files.readAllLines(f)) {
        if (line.startsWith("oom_kill ") && Long.parseLong(line.substring(9).strip()) > 0) {
          return true;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return false;
    }
    return false;
  }

  /**
   * Removes the cgroup and the cgroups below it. Killed processes take a moment to leave their
   * cgroup, so a busy cgroup is retried for about a second before it is left for later.
   */
  void remove() {
    for (Path d : dirs()) {
      for (int attempt = 0; attempt < 20 && Files.isDirectory(d); attempt++) {
        try (var walk = Files.walk(d)) {
          for (Path p :
              walk.filter(Files::isDirectory)
                  .sorted(java.util.Comparator.reverseOrder())
                  .toList()) {
            Files.deleteIfExists(p);
          }
        } catch (IOException e) {
          try {
            Thread.sleep(50);
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
    }
  }
}
