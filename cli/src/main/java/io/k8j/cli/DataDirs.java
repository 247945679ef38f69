package io.k8j.cli;

import java.nio.file.Path;

/** Where k8j keeps its state by default: /var/lib/k8j for root, ~/.k8j otherwise. */
final class DataDirs {
  private DataDirs() {}

  static Path defaultAgentDir() {
    boolean root = "root".equals(System.getProperty("user.name"));
    return root
        ? Path.of("/var/lib/k8j/agent")
        : Path.of(System.getProperty("user.home"), ".k8j", "agent");
  }

  static Path defaultServerDir() {
    boolean root = "root".equals(System.getProperty("user.name"));
    return root
        ? Path.of("/var/lib/k8j/server")
        : Path.of(System.getProperty("user.home"), ".k8j", "server");
  }
}
