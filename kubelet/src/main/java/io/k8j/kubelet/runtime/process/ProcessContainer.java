package io.k8j.kubelet.runtime.process;

import io.k8j.cri.v1.ContainerConfig;
import io.k8j.cri.v1.ContainerState;
import io.k8j.kubelet.logs.CriLogWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One container of the process runtime: created, then running as a host process whose output is
 * pumped into its CRI log, then exited with its exit code (and OOMKilled when its cgroup saw the
 * OOM killer). When it exits, whatever else runs in its cgroup is killed too.
 */
final class ProcessContainer {
  final String id;
  final String sandboxId;
  final ProcessSandbox sandbox;
  final ContainerConfig config;
  final long createdAt;
  final Path logPath;
  private final ProcessRuntime runtime;
  volatile long startedAt;
  volatile long finishedAt;
  volatile int exitCode;
  volatile String reason;
  volatile String message;
  volatile Cgroups cgroups;
  private volatile Process process;
  private volatile CriLogWriter log;
  private volatile boolean exited;
  private Thread out;
  private Thread err;

  ProcessContainer(
      ProcessRuntime runtime,
      String id,
      ProcessSandbox sandbox,
      ContainerConfig config,
      long createdAt,
      Path logPath) {
    this.runtime = runtime;
    this.id = id;
    this.sandbox = sandbox;
    this.sandboxId = sandbox.id;
    this.config = config;
    this.createdAt = createdAt;
    this.logPath = logPath;
  }

  ContainerState state() {
    if (exited) {
      return ContainerState.CONTAINER_EXITED;
    }
    return process == null ? ContainerState.CONTAINER_CREATED : ContainerState.CONTAINER_RUNNING;
  }

  long pid() {
    return process == null ? -1 : process.pid();
  }

  synchronized void start(List<String> command) throws IOException {
    if (process != null) {
      throw new IOException("container " + id + " was started already");
    }
    Files.createDirectories(logPath.getParent());
    log = new CriLogWriter(logPath, io.k8j.common.Clock.SYSTEM);
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().clear();
    pb.environment().putAll(runtime.environment(config, sandbox));
    Process p = pb.start();
    p.getOutputStream().close();
    startedAt = runtime.now();
    process = p;
    out = Thread.ofVirtual().start(() -> log.pump(p.getInputStream(), "stdout"));
    err = Thread.ofVirtual().start(() -> log.pump(p.getErrorStream(), "stderr"));
    p.onExit().thenRun(this::onExit);
  }

  private void onExit() {
    Process p = process;
    int code = p.exitValue();
    killRest();
    try {
      out.join(Duration.ofSeconds(5));
      err.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Cgroups cg = cgroups;
    if (cg != null && code == 137 && cg.oomKilled()) {
      reason = "OOMKilled";
    } else {
      reason = code == 0 ? "Completed" : "Error";
    }
    exitCode = code;
    finishedAt = runtime.now();
    exited = true;
  }

  /** Kills what else runs in the container's cgroup, once its main process is gone. */
  private void killRest() {
    Cgroups cg = cgroups;
    if (cg == null) {
      return;
    }
    for (Path procs : cg.procsFiles()) {
      try {
        for (String pid : Files.readAllLines(procs)) {
          if (!pid.isBlank()) {
            ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(ProcessHandle::destroyForcibly);
          }
        }
      } catch (IOException | NumberFormatException ignored) {
        // the cgroup is gone or empty
      }
    }
  }

  /** SIGTERM, then SIGKILL after {@code grace}; returns once the container exited. */
  void kill(Duration grace) {
    Process p = process;
    if (p == null || exited) {
      if (p == null) {
        exited = true;
        finishedAt = runtime.now();
        exitCode = 0;
        reason = "Completed";
      }
      return;
    }
    try {
      // through the ProcessHandle: Process.destroy() also closes the pipes, and a process that
      // writes on SIGTERM (a trap's echo) would then die of SIGPIPE instead of ending gracefully
      ProcessHandle h = p.toHandle();
      if (!grace.isZero()) {
        h.destroy();
        if (p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
          awaitExited();
          return;
        }
      }
      h.descendants().forEach(ProcessHandle::destroyForcibly);
      h.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
      awaitExited();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void awaitExited() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!exited && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  void reopenLog() throws IOException {
    if (log != null) {
      log.reopen();
    }
  }

  void close() {
    try {
      if (log != null) {
        log.close();
      }
    } catch (IOException ignored) {
      // closing a log file of a dead process
    }
    Cgroups cg = cgroups;
    if (cg != null) {
      cg.remove();
    }
  }
}
