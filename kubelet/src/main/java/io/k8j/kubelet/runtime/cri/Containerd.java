package io.k8j.kubelet.runtime.cri;

import io.k8j.kubelet.runtime.RuntimeCallException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's own containerd, as k3s runs it: k8j writes its configuration and starts it, or adopts
 * the one a previous kubelet on the same data directory left running (a kubelet that dies does not
 * take its containers with it). Stopping containerd leaves the containers running under their
 * shims; the next containerd on the same directories finds them again.
 */
public final class Containerd implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Containerd.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final ContainerdConfig config;
  private final Path configFile;
  private final Path pidFile;
  private final ProcessHandle process;

  private Containerd(ContainerdConfig config, Path configFile, Path pidFile, ProcessHandle p) {
    this.config = config;
    this.configFile = configFile;
    this.pidFile = pidFile;
    this.process = p;
  }

  /**
   * Writes {@code config} under {@code dir} and starts containerd, or adopts the containerd a
   * previous start left running on the same socket; returns once its CRI plugin answers.
   */
  public static Containerd start(ContainerdConfig config, Path dir) {
    try {
      Files.createDirectories(dir);
      Files.createDirectories(config.root());
      Files.createDirectories(config.state());
      Files.createDirectories(config.socket().getParent());
      Path configFile = dir.resolve("config.toml");
      Path pidFile = dir.resolve("containerd.pid");
      Files.writeString(configFile, config.toml());
      Optional<ProcessHandle> running = runningFrom(pidFile);
      ProcessHandle handle;
      if (running.isPresent()) {
        log.info("adopting containerd pid {} on {}", running.get().pid(), config.socket());
        handle = running.get();
      } else {
        Files.deleteIfExists(config.socket());
        Path logFile = dir.resolve("containerd.log");
        Process p =
            new ProcessBuilder("containerd", "--config", configFile.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
        handle = p.toHandle();
        Files.writeString(pidFile, Long.toString(handle.pid()));
        log.info(
            "started containerd pid {} on {} (log {})", handle.pid(), config.socket(), logFile);
      }
      Containerd c = new Containerd(config, configFile, pidFile, handle);
      c.awaitReady();
      return c;
    } catch (IOException e) {
      throw new UncheckedIOException("could not start containerd: " + e.getMessage(), e);
    }
  }

  private static Optional<ProcessHandle> runningFrom(Path pidFile) throws IOException {
    if (!Files.exists(pidFile)) {
      return Optional.empty();
    }
    long pid;
    try {
      pid = Long.parseLong(Files.readString(pidFile).strip());
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(h -> h.info().command().map(c -> c.endsWith("containerd")).orElse(false));
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    RuntimeException last = null;
    CriRuntime cri = null;
    try {
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              "containerd exited during start; see " + configFile.resolveSibling("containerd.log"));
        }
        if (cri == null && Files.exists(config.socket())) {
          cri = new CriRuntime(config.socket());
        }
        if (cri != null) {
          try {
            cri.version();
            return;
          } catch (RuntimeCallException e) {
            last = e;
          }
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted waiting for containerd", e);
        }
      }
    } finally {
      if (cri != null) {
        cri.close();
      }
    }
    throw new IllegalStateException("containerd did not answer on " + config.socket(), last);
  }

  public Path socket() {
    return config.socket();
  }

  public ContainerdConfig config() {
    return config;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Kills containerd at once (SIGKILL), as a crash would; its containers keep running. */
  public void kill() {
    process.destroyForcibly();
    await(Duration.ofSeconds(10));
  }

  /** Stops containerd (SIGTERM, then SIGKILL after 10 s); its containers keep running. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    if (!await(Duration.ofSeconds(10))) {
      process.destroyForcibly();
      await(Duration.ofSeconds(5));
    }
    try {
      Files.deleteIfExists(pidFile);
    } catch (IOException e) {
      log.warn("could not remove {}: {}", pidFile, e.getMessage());
    }
    unmountSandboxShm();
  }

  /**
   * Detaches the {@code /dev/shm} tmpfs containerd mounted for each pod sandbox under its state
   * directory, which would otherwise outlive containerd and make the data directory impossible to
   * remove. The detach is lazy: containers still running keep their own view of the mount, only the
   * host's path goes.
   */
  void unmountSandboxShm() {
    String prefix = config.state().toAbsolutePath() + "/io.containerd.grpc.v1.cri/sandboxes/";
    for (String mountPoint : mountPointsUnder(prefix)) {
      if (!mountPoint.endsWith("/shm")) {
        continue;
      }
      try {
        Process p =
            new ProcessBuilder("umount", "-l", mountPoint).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
          log.info("unmounted sandbox shm {}", mountPoint);
        } else {
          log.warn("could not unmount {}: {}", mountPoint, output.strip());
        }
      } catch (IOException e) {
        log.warn("could not unmount {}: {}", mountPoint, e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** The mount points of this mount namespace under {@code prefix}, deepest first. */
  static List<String> mountPointsUnder(String prefix) {
    List<String> out = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
        String[] f = line.split(" ");
        if (f.length > 4) {
          String mountPoint = f[4].replace("\\040", " ");
          if (mountPoint.startsWith(prefix)) {
            out.add(mountPoint);
          }
        }
      }
    } catch (IOException e) {
      log.warn("could not read the mount table: {}", e.getMessage());
    }
    out.sort(Comparator.comparingInt(String::length).reversed());
    return out;
  }

  private boolean await(Duration d) {
    try {
      process.onExit().get(d.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (Exception e) {
      return !process.isAlive();
    }
  }

  /** The containerd log, for error messages in tests. */
  public String logTail(int maxChars) {
    try {
      byte[] b = Files.readAllBytes(configFile.resolveSibling("containerd.log"));
      String s = new String(b, StandardCharsets.UTF_8);
      return s.substring(Math.max(0, s.length() - maxChars));
    } catch (IOException e) {
      return "";
    }
  }
}
