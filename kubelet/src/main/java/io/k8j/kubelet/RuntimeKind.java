package io.k8j.kubelet;

import java.nio.file.Files;
import java.nio.file.Path;

/** Which container runtime a kubelet runs pods with. */
public enum RuntimeKind {
  /** containerd over the CRI: real containers, one sandbox (and IP) per pod. */
  CRI,
  /** Pods as host processes, each pod in its own network namespace when running as root. */
  PROCESS,
  /** No processes at all: pods go through their lifecycle in memory (for scale tests). */
  SIMULATED;

  /**
   * The runtime chosen when none is asked for, with the reason, as {@code k8j server} prints it.
   */
  public record Choice(RuntimeKind kind, String reason) {}

  /** CRI when containerd and runc are installed and we are root; the process runtime otherwise. */
  public static Choice detect() {
    Path containerd = onPath("containerd");
    Path runc = onPath("runc");
    boolean root = "root".equals(System.getProperty("user.name"));
    if (containerd != null && runc != null && root) {
      return new Choice(CRI, "containerd (" + containerd + ") and runc (" + runc + ") found");
    }
    if (containerd == null) {
      return new Choice(PROCESS, "containerd is not installed; pods run as host processes");
    }
    if (runc == null) {
      return new Choice(PROCESS, "runc is not installed; pods run as host processes");
    }
    return new Choice(PROCESS, "not running as root; pods run as host processes");
  }

  static Path onPath(String binary) {
    String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    for (String dir : (path + ":/usr/sbin:/sbin").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, binary))) {
        return Path.of(dir, binary);
      }
    }
    return null;
  }
}
