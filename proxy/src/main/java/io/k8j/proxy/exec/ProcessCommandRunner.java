package io.k8j.proxy.exec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs commands as child processes, optionally inside a network namespace. */
final class ProcessCommandRunner implements CommandRunner {
  private static final long TIMEOUT_SECONDS = 60;

  private final String netns;

  ProcessCommandRunner(String netns) {
    this.netns = netns;
  }

  @Override
  public CommandResult run(List<String> argv, String stdin) throws IOException {
    List<String> cmd = new ArrayList<>();
    if (netns != null) {
      cmd.addAll(List.of("ip", "netns", "exec", netns));
    }
    cmd.addAll(argv);
    Process p = new ProcessBuilder(cmd).start();
    CompletableFuture<String> out = drain(p.getInputStream());
    CompletableFuture<String> err = drain(p.getErrorStream());
    try (OutputStream in = p.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // the command exited without reading its input; its exit code tells why
    }
    try {
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(
            String.join(" ", cmd) + " did not finish in " + TIMEOUT_SECONDS + " s");
      }
      return new CommandResult(List.copyOf(argv), p.exitValue(), out.join(), err.join());
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted running " + String.join(" ", cmd), e);
    }
  }

  private static CompletableFuture<String> drain(InputStream s) {
    CompletableFuture<String> f = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try (s) {
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                s.transferTo(buf);
                f.complete(buf.toString(StandardCharsets.UTF_8));
              } catch (IOException e) {
                f.completeExceptionally(new UncheckedIOException(e));
              }
            });
    return f;
  }
}
