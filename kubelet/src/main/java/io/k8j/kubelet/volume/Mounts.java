package io.k8j.kubelet.volume;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** tmpfs mounts through {@code mount(8)}, and the mount table from {@code /proc/self/mountinfo}. */
final class Mounts {
  private Mounts() {}

  static void tmpfs(Path dir, long sizeBytes) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("mount", "-t", "tmpfs"));
    if (sizeBytes > 0) {
      cmd.add("-o");
      cmd.add("size=" + sizeBytes);
    }
    cmd.add("tmpfs");
    cmd.add(dir.toString());
    run(cmd);
  }

  static void unmount(Path dir) throws IOException {
    run(List.of("umount", "-l", dir.toString()));
  }

  static boolean isMountPoint(Path dir) throws IOException {
    return mountPoints().contains(dir.toAbsolutePath().normalize().toString());
  }

  /** Mount points at or under {@code dir}, deepest first. */
  static List<Path> mountPointsUnder(Path dir) throws IOException {
    String prefix = dir.toAbsolutePath().normalize().toString();
    return mountPoints().stream()
        .filter(m -> m.equals(prefix) || m.startsWith(prefix + "/"))
        .sorted(Comparator.comparingInt(String::length).reversed())
        .map(Path::of)
        .toList();
  }

  static List<String> mountPoints() throws IOException {
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String[] f = line.split(" ");
      if (f.length > 4) {
        out.add(f[4].replace("\\040", " "));
      }
    }
    return out;
  }

  private static void run(List<String> cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(String.join(" ", cmd) + " failed: " + out.strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", cmd));
    }
  }
}
