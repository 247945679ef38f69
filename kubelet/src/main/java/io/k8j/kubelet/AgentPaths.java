package io.k8j.kubelet;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where a node keeps its state under {@code <data-dir>/agent}: containerd's root, state and socket,
 * the CNI configuration and address allocations, pod directories (volumes), container logs, image
 * archives to import, static pod manifests.
 */
public record AgentPaths(Path dataDir) {
  /** Longest unix socket path the kernel accepts (sun_path is 108 bytes with its NUL). */
  static final int MAX_SOCKET_PATH = 107;

  public Path agent() {
    return dataDir.resolve("agent");
  }

  public Path containerd() {
    return agent().resolve("containerd");
  }

  public Path containerdRoot() {
    return containerd().resolve("root");
  }

  public Path containerdState() {
    return agent().resolve("run/containerd");
  }

  /** containerd's socket; under /run/k8j when the data directory's path is too long for one. */
  public Path containerdSocket() {
    Path p = agent().resolve("run/containerd.sock").toAbsolutePath();
    if (p.toString().length() <= MAX_SOCKET_PATH) {
      return p;
    }
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256")
              .digest(dataDir.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8));
      return Path.of("/run/k8j", HexFormat.of().formatHex(d, 0, 8) + ".sock");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public Path cniConfDir() {
    return agent().resolve("etc/cni/net.d");
  }

  public Path pods() {
    return agent().resolve("pods");
  }

  public Path podLogs() {
    return agent().resolve("logs/pods");
  }

  public Path images() {
    return agent().resolve("images");
  }

  public Path process() {
    return agent().resolve("process");
  }
}
