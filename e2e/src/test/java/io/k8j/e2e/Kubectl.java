package io.k8j.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real kubectl ({@code /usr/bin/kubectl}), run against one API server with its admin kubeconfig
 * and a discovery cache of its own, so no test sees another's cached discovery.
 */
final class Kubectl {
  /** What a kubectl run printed and how it exited. */
  record Result(int exitCode, String out, String err) {
    /** Everything printed, stdout then stderr. */
    String all() {
      return out + err;
    }
  }

  private final Path kubeconfig;
  private final Path cacheDir;

  Kubectl(Path kubeconfig) throws IOException {
    this.kubeconfig = kubeconfig;
    this.cacheDir = Files.createTempDirectory("kubectl-cache");
  }

  Result run(String... args) throws IOException, InterruptedException {
    return runWithInput(null, args);
  }

  /** Runs kubectl with {@code stdin} as its input (for {@code -f -}). */
  Result runWithInput(String stdin, String... args) throws IOException, InterruptedException {
    return finish(start(args), stdin, args);
  }

  /** Runs kubectl with one more environment variable (e.g. {@code KUBE_EDITOR}). */
  Result runWithEnv(String name, String value, String... args)
      throws IOException, InterruptedException {
    ProcessBuilder b = builder(args);
    b.environment().put(name, value);
    return finish(b.start(), null, args);
  }

  private Result finish(Process p, String stdin, String... args)
      throws IOException, InterruptedException {
    if (stdin != null) {
      p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    p.getOutputStream().close();
    byte[][] streams = new byte[2][];
    Thread o = Thread.ofVirtual().start(() -> streams[0] = readAll(p.getInputStream()));
    Thread e = Thread.ofVirtual().start(() -> streams[1] = readAll(p.getErrorStream()));
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(
          "kubectl " + String.join(" ", args) + " did not finish in 60 s");
    }
    o.join();
    e.join();
    return new Result(
        p.exitValue(),
        new String(streams[0], StandardCharsets.UTF_8),
        new String(streams[1], StandardCharsets.UTF_8));
  }

  /** Starts kubectl and leaves it running (for {@code get -w}); the caller destroys it. */
  Process start(String... args) throws IOException {
    return builder(args).start();
  }

  private ProcessBuilder builder(String... args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "/usr/bin/kubectl",
                "--kubeconfig",
                kubeconfig.toString(),
                "--cache-dir",
                cacheDir.toString()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd);
  }

  private static byte[] readAll(java.io.InputStream in) {
    try {
      return in.readAllBytes();
    } catch (IOException e) {
      return new byte[0];
    }
  }
}
