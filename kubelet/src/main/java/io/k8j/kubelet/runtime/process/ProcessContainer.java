package io.k8j.kubelet.runtime.process;

import io.k8j.cri.v1.ContainerConfig;
import io.k8j.cri.v1.ContainerState;
import io.k8j.kubelet.logs.CriLogWriter;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
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
  private volatile OutputStream stdin;
  private final List<OutputStream> attachedOut = new CopyOnWriteArrayList<>();
  private final List<OutputStream> attachedErr = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Void> exitedFuture = new CompletableFuture<>();

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
    if (config.getStdin()) {
      stdin = p.getOutputStream();
    } else {
      p.getOutputStream().close();
    }
    startedAt = runtime.now();
    process = p;
    InputStream stdout = new Tee(p.getInputStream(), attachedOut);
    InputStream stderr = new Tee(p.getErrorStream(), attachedErr);
    out = Thread.ofVirtual().start(() -> log.pump(stdout, "stdout"));
    err = Thread.ofVirtual().start(() -> log.pump(stderr, "stderr"));
    // a thread of its own rather than Process.onExit(): that completes on the common ForkJoinPool,
    // which anything else in the JVM may hold with blocking work (it has one worker on 2 cores),
    // and the container's exit, with every attach session waiting for it, would wait as long
    Thread.ofVirtual().name("container-exit-" + id).start(this::awaitExit);
  }

  private void awaitExit() {
    while (true) {
      try {
        onExit(process.waitFor());
        return;
      } catch (InterruptedException e) {
        // nobody interrupts this thread; the exit is still to be recorded
      }
    }
  }

  private void onExit(int code) {
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
    exitedFuture.complete(null);
  }

  /** The container's stdin while it runs with {@code stdin: true}; null otherwise. */
  OutputStream stdin() {
    return stdin;
  }

  /** Completes when the container's process has exited. */
  CompletableFuture<Void> exited() {
    return exitedFuture;
  }

  /** A session attached to the container's output; closing it detaches. */
  interface Attachment extends AutoCloseable {
    @Override
    void close();
  }

  /** Copies what the container writes from now on to {@code out} and {@code err} (either null). */
  Attachment attach(OutputStream out, OutputStream err) {
    if (out != null) {
      attachedOut.add(out);
    }
    if (err != null) {
      attachedErr.add(err);
    }
    return () -> {
      attachedOut.remove(out);
      attachedErr.remove(err);
    };
  }

  /** The container's output on its way to the log, copied to the attached sessions. */
  private static final class Tee extends FilterInputStream {
    private final List<OutputStream> targets;

    Tee(InputStream in, List<OutputStream> targets) {
      super(in);
      this.targets = targets;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      for (OutputStream t : targets) {
        try {
          if (n > 0) {
            t.write(b, off, n);
            t.flush();
          }
        } catch (IOException e) {
          targets.remove(t);
        }
      }
      return n;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }
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
