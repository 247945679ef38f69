package io.k8j.kubelet.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real kubectl at /usr/bin/kubectl against a test API server, with its own cache dir. */
public final class Kubectl {
  /** What kubectl printed and how it exited. */
  public record Result(int exitCode, String out) {
    public Result ok() {
      if (exitCode != 0) {
        throw new AssertionError("kubectl failed (" + exitCode + "): " + out);
      }
      return this;
    }
  }

  private final Path kubeconfig;
  private final Path cacheDir;

  public Kubectl(Path kubeconfig) throws IOException {
    this.kubeconfig = kubeconfig;
    this.cacheDir = Files.createTempDirectory("k8j-kubectl-cache-");
  }

  public Result run(String... args) {
    return withInput(null, args);
  }

  /** Runs kubectl with {@code stdin} (e.g. a manifest for {@code apply -f -}). */
  public Result withInput(String stdin, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add("/usr/bin/kubectl");
    cmd.add("--kubeconfig=" + kubeconfig);
    cmd.add("--cache-dir=" + cacheDir);
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      if (stdin != null) {
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("kubectl timed out: " + cmd);
      }
      return new Result(p.exitValue(), out);
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public Result apply(String manifest) {
    return withInput(manifest, "apply", "-f", "-").ok();
  }

  /** {@code kubectl get pod NAME -o jsonpath=EXPR}. */
  public String jsonpath(String pod, String expr) {
    return run("get", "pod", pod, "-o", "jsonpath=" + expr).ok().out().strip();
  }
}
