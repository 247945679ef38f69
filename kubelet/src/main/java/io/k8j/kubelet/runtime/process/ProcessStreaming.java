package io.k8j.kubelet.runtime.process;

import io.k8j.cri.v1.ContainerState;
import io.k8j.streaming.Pumps;
import io.k8j.streaming.remotecommand.StreamIo;
import io.k8j.streaming.remotecommand.StreamingException;
import io.k8j.streaming.remotecommand.TerminalSize;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Exec, attach and port-forward for the process runtime. Exec joins the container's cgroups and
 * enters its mount and network namespaces ({@code nsenter}) with its environment and working
 * directory; a TTY comes from {@code script(1)}, sized from the client's first resize and resized
 * ({@code stty -F} on its pseudo-terminal, which signals SIGWINCH) on each later one. When the
 * client goes away the command's stdin ends; a terminal session is hung up (SIGHUP), as closing a
 * terminal would; what still runs after a grace is killed. Attach tees the container's output and
 * feeds its stdin (kept open for containers with {@code stdin: true}). Port-forward dials {@code
 * 127.0.0.1:port} inside the pod's network namespace through busybox {@code nc}, or directly for
 * pods on the node's network.
 */
final class ProcessStreaming {
  private static final long FIRST_SIZE_WAIT_MILLIS = 1000;
  private static final int TTY_LOOKUPS = 50;
  private static final long TTY_LOOKUP_PAUSE_MILLIS = 100;
  private static final long HANG_UP_GRACE_SECONDS = 5;

  private final ProcessRuntime runtime;
  private final boolean root;

  ProcessStreaming(ProcessRuntime runtime, boolean root) {
    this.runtime = runtime;
    this.root = root;
  }

  int exec(ProcessContainer c, List<String> cmd, StreamIo io)
      throws StreamingException, InterruptedException {
    running(c);
    List<String> full = new ArrayList<>();
    Cgroups cg = c.cgroups;
    if (cg != null) {
      full.addAll(List.of("/bin/sh", "-c", ContainerScript.joinCgroups(cg.procsFiles()), "sh"));
    }
    if (root) {
      full.addAll(List.of("nsenter", "-t", Long.toString(c.pid()), "-m", "-n", "-w", "--"));
    }
    if (io.tty()) {
      StringBuilder line = new StringBuilder();
      TerminalSize size = io.resizes().poll(FIRST_SIZE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
      if (size != null) {
        line.append("stty cols ")
            .append(size.width())
            .append(" rows ")
            .append(size.height())
            .append(" 2>/dev/null; ");
      }
      line.append("exec");
      cmd.forEach(a -> line.append(' ').append(ContainerScript.q(a)));
      full.addAll(List.of("script", "-q", "-f", "-e", "-c", line.toString(), "/dev/null"));
    } else {
      full.addAll(cmd);
    }
    ProcessBuilder pb = new ProcessBuilder(full);
    pb.environment().clear();
    pb.environment().putAll(runtime.environment(c.config, c.sandbox));
    if (io.tty()) {
      pb.environment().put("TERM", "xterm");
    }
    if (!root && !c.config.getWorkingDir().isEmpty()) {
      pb.directory(Path.of(c.config.getWorkingDir()).toFile());
    }
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new StreamingException("failed to exec in container: " + e.getMessage(), e);
    }
    Thread resizer = io.tty() ? Thread.ofVirtual().start(() -> resize(p, io.resizes())) : null;
    try {
      if (io.stdin() != null) {
        Thread.ofVirtual().start(() -> Pumps.copyAndClose(io.stdin(), p.getOutputStream()));
      } else {
        Pumps.closeQuietly(p.getOutputStream());
      }
      Thread out = Thread.ofVirtual().start(() -> Pumps.copy(p.getInputStream(), io.stdout()));
      Thread err = Thread.ofVirtual().start(() -> Pumps.copy(p.getErrorStream(), io.stderr()));
      int code;
      try {
        code = p.waitFor();
      } catch (InterruptedException e) {
        if (io.tty()) {
          hangUp(p);
        }
        throw e;
      }
      out.join(TimeUnit.SECONDS.toMillis(10));
      err.join(TimeUnit.SECONDS.toMillis(10));
      return code;
    } finally {
      if (resizer != null) {
        resizer.interrupt();
      }
      if (p.isAlive()) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
    }
  }

  /**
   * Applies the client's terminal sizes to the pseudo-terminal {@code script} opened for {@code
   * session} (the latest of those queued, once the command runs on it) until interrupted.
   */
  private static void resize(Process session, BlockingQueue<TerminalSize> sizes) {
    try {
      while (true) {
        TerminalSize size = sizes.take();
        for (TerminalSize later; (later = sizes.poll()) != null; ) {
          size = later;
        }
        Optional<Path> tty = Optional.empty();
        for (int i = 0; i < TTY_LOOKUPS && tty.isEmpty() && session.isAlive(); i++) {
          tty = terminalOf(session);
          if (tty.isEmpty()) {
            Thread.sleep(TTY_LOOKUP_PAUSE_MILLIS);
          }
        }
        if (tty.isPresent()) {
          stty(tty.get(), size);
        }
      }
    } catch (InterruptedException e) {
      // the session ended
    }
  }

  /**
   * The client of a terminal session went away: SIGHUP to what runs on the session's terminal, as
   * when a terminal is closed, and a grace to end on it before the caller kills what is left.
   */
  private static void hangUp(Process session) {
    List<String> kill = new ArrayList<>(List.of("kill", "-HUP"));
    session
        .descendants()
        .filter(h -> onTerminal(h.pid()))
        .forEach(h -> kill.add(Long.toString(h.pid())));
    if (kill.size() == 2) {
      return;
    }
    try {
      new ProcessBuilder(kill)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start()
          .waitFor(10, TimeUnit.SECONDS);
      session.waitFor(HANG_UP_GRACE_SECONDS, TimeUnit.SECONDS);
    } catch (IOException e) {
      // no kill(1): the session is killed below
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The pseudo-terminal the session's command reads: the standard input of script's child. */
  private static Optional<Path> terminalOf(Process session) {
    return session.descendants().map(h -> terminal(h.pid())).flatMap(Optional::stream).findFirst();
  }

  private static boolean onTerminal(long pid) {
    return terminal(pid).isPresent();
  }

  private static Optional<Path> terminal(long pid) {
    Path stdin = linkTarget(Path.of("/proc", Long.toString(pid), "fd", "0"));
    return stdin != null && stdin.startsWith("/dev/pts/") ? Optional.of(stdin) : Optional.empty();
  }

  private static Path linkTarget(Path link) {
    try {
      return Files.readSymbolicLink(link);
    } catch (IOException e) {
      return null;
    }
  }

  private static void stty(Path tty, TerminalSize size) throws InterruptedException {
    try {
      Process stty =
          new ProcessBuilder(
                  "stty",
                  "-F",
                  tty.toString(),
                  "cols",
                  Integer.toString(size.width()),
                  "rows",
                  Integer.toString(size.height()))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!stty.waitFor(10, TimeUnit.SECONDS)) {
        stty.destroyForcibly();
      }
    } catch (IOException e) {
      // no stty: the terminal keeps its size
    }
  }

  void attach(ProcessContainer c, StreamIo io) throws StreamingException, InterruptedException {
    running(c);
    ProcessContainer.Attachment a = c.attach(io.stdout(), io.stderr());
    try {
      OutputStream stdin = c.stdin();
      if (io.stdin() != null && stdin != null) {
        Thread.ofVirtual()
            .start(
                () -> {
                  Pumps.copy(io.stdin(), stdin);
                  if (c.config.getStdinOnce()) {
                    Pumps.closeQuietly(stdin);
                  }
                });
      }
      c.exited().get();
    } catch (ExecutionException e) {
      throw new StreamingException(e.getCause().getMessage(), e.getCause());
    } finally {
      a.close();
    }
  }

  void portForward(ProcessSandbox s, int port, InputStream in, OutputStream out)
      throws StreamingException, InterruptedException {
    if (root && s.netns != null) {
      forwardThroughNc(s, port, in, out);
      return;
    }
    try (Socket socket = new Socket("127.0.0.1", port)) {
      Thread up =
          Thread.ofVirtual()
              .start(
                  () -> {
                    Pumps.copy(in, socketOut(socket));
                    shutdownOutput(socket);
                  });
      Pumps.copy(socket.getInputStream(), out);
      up.interrupt();
    } catch (IOException e) {
      throw new StreamingException(e.getMessage(), e);
    }
  }

  private void forwardThroughNc(ProcessSandbox s, int port, InputStream in, OutputStream out)
      throws StreamingException, InterruptedException {
    Process p;
    try {
      p =
          new ProcessBuilder(
                  "ip",
                  "netns",
                  "exec",
                  s.netns,
                  "busybox",
                  "nc",
                  "127.0.0.1",
                  Integer.toString(port))
              .start();
    } catch (IOException e) {
      throw new StreamingException(e.getMessage(), e);
    }
    try {
      Thread.ofVirtual().start(() -> Pumps.copyAndClose(in, p.getOutputStream()));
      Pumps.copy(p.getInputStream(), out);
      int code = p.waitFor();
      if (code != 0) {
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        throw new StreamingException(err.isEmpty() ? "nc exited with " + code : err);
      }
    } catch (IOException e) {
      throw new StreamingException(e.getMessage(), e);
    } finally {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
  }

  private static void running(ProcessContainer c) throws StreamingException {
    if (c.state() != ContainerState.CONTAINER_RUNNING) {
      throw new StreamingException("container " + c.id + " is not running");
    }
  }

  private static OutputStream socketOut(Socket s) {
    try {
      return s.getOutputStream();
    } catch (IOException e) {
      return OutputStream.nullOutputStream();
    }
  }

  private static void shutdownOutput(Socket s) {
    try {
      s.shutdownOutput();
    } catch (IOException ignored) {
      // closed already
    }
  }
}
