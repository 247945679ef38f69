package io.k8j.kubelet.runtime.process;

import io.k8j.cri.v1.ContainerConfig;
import io.k8j.cri.v1.Mount;
import java.nio.file.Path;
import java.util.List;

/**
 * The shell script each process-runtime container starts with: join its cgroups, bind-mount its
 * volumes (in the private mount namespace it runs in), change to its working directory, then {@code
 * exec} the container's command, so that the command is the process the runtime watches.
 */
final class ContainerScript {
  /** Mount targets the script never touches: they belong to the node. */
  private static final List<String> RESERVED =
      List.of("/dev", "/proc", "/sys", "/etc/hosts", "/etc/hostname", "/etc/resolv.conf");

  private ContainerScript() {}

  /**
   * The outer script: joins the cgroups (in the node's view of /sys, before {@code ip netns exec}
   * remounts it), then execs its arguments.
   */
  static String joinCgroups(List<Path> cgroupProcs) {
    StringBuilder s = new StringBuilder("set -e\n");
    for (Path p : cgroupProcs) {
      s.append("echo $$ > ").append(q(p.toString())).append('\n');
    }
    s.append("exec \"$@\"\n");
    return s.toString();
  }

  /** The inner script: mounts, working directory, then exec of the container's command. */
  static String build(ContainerConfig config, boolean mounts) {
    StringBuilder s = new StringBuilder("set -e\n");
    if (mounts) {
      for (Mount m : config.getMountsList()) {
        String target = m.getContainerPath();
        if (reserved(target)) {
          continue;
        }
        String src = q(m.getHostPath());
        String dst = q(target);
        s.append("if [ -d ")
            .append(src)
            .append(" ]; then mkdir -p ")
            .append(dst)
            .append("; else mkdir -p \"$(dirname ")
            .append(dst)
            .append(")\"; [ -e ")
            .append(dst)
            .append(" ] || touch ")
            .append(dst)
            .append("; fi\n");
        s.append("mount --bind ").append(src).append(' ').append(dst).append('\n');
        if (m.getReadonly()) {
          s.append("mount -o remount,bind,ro ").append(dst).append('\n');
        }
      }
    }
    if (!config.getWorkingDir().isEmpty()) {
      s.append("cd ").append(q(config.getWorkingDir())).append('\n');
    }
    s.append("exec \"$@\"\n");
    return s.toString();
  }

  static boolean reserved(String target) {
    for (String r : RESERVED) {
      if (target.equals(r) || target.startsWith(r + "/")) {
        return true;
      }
    }
    return target.equals("/");
  }

  /** Single-quoted for sh. */
  static String q(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
