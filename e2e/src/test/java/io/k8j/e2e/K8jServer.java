package io.k8j.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A cluster started as a user starts one: {@code ./k8j server} from the repository root, in its own
 * process, with a fresh data directory and a free HTTPS port. The launcher runs the jars the Maven
 * build just packaged ({@code K8J_NO_BUILD}) and installs no packages ({@code K8J_SKIP_DEPS}).
 */
final class K8jServer implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  private final Process process;
  private final Path dataDir;
  private final Path log;
  private final int port;

  private K8jServer(Process process, Path dataDir, Path log, int port) {
    this.process = process;
    this.dataDir = dataDir;
    this.log = log;
    this.port = port;
  }

  /**
   * Starts {@code ./k8j server} with the given extra flags and waits until kubectl can use it.
   * Without a node ({@code --disable-agent}) unless the flags ask otherwise.
   */
  static K8jServer start(String... extraFlags) throws Exception {
    return startIn(Files.createTempDirectory("k8j-e2e-server-"), extraFlags);
  }

  /** As {@link #start}, in a data directory the test has prepared (e.g. with a copied pki). */
  static K8jServer startIn(Path dataDir, String... extraFlags) throws Exception {
    Path root = repositoryRoot();
    Path log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
    int port = freePort();
    List<String> cmd =
        new ArrayList<>(
            List.of(
                root.resolve("k8j").toString(),
                "server",
                "--data-dir",
                dataDir.toString(),
                "--https-listen-port",
                Integer.toString(port),
                "--bind-address",
                "127.0.0.1"));
    cmd.addAll(List.of(extraFlags));
    ProcessBuilder b = new ProcessBuilder(cmd).directory(root.toFile());
    b.environment().put("K8J_NO_BUILD", "1");
    b.environment().put("K8J_SKIP_DEPS", "1");
    b.redirectErrorStream(true).redirectOutput(log.toFile());
    K8jServer server = new K8jServer(b.start(), dataDir, log, port);
    try {
      server.awaitReady();
    } catch (Exception | Error e) {
      server.close();
      throw e;
    }
    return server;
  }

  /** Starts a server without a node: the control plane only. */
  static K8jServer startControlPlane() throws Exception {
    return start("--disable-agent");
  }

  Path kubeconfig() {
    return dataDir.resolve("admin.kubeconfig");
  }

  Path dataDir() {
    return dataDir;
  }

  int port() {
    return port;
  }

  /** The server's output so far, for assertion messages. */
  String output() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no output: " + e.getMessage() + ")";
    }
  }

  private void awaitReady() throws Exception {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "./k8j server exited with " + process.exitValue() + ":\n" + tail());
      }
      if (Files.exists(kubeconfig()) && readyz()) {
        return;
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException(
        "./k8j server was not ready in " + START_TIMEOUT + ":\n" + tail());
  }

  private boolean readyz() throws Exception {
    return readyz(kubeconfig());
  }

  /** Whether the API server of {@code kubeconfig} answers {@code /readyz} with ok. */
  static boolean readyz(Path kubeconfig) throws Exception {
    Process p =
        new ProcessBuilder(
                "/usr/bin/kubectl",
                "--kubeconfig",
                kubeconfig.toString(),
                "--request-timeout",
                "5s",
                "get",
                "--raw",
                "/readyz")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && out.strip().equals("ok");
  }

  private String tail() {
    String[] lines = output().split("\n");
    return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 40), lines.length));
  }

  /** Stops the server as Ctrl-C does, and waits until it has. */
  void stop() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  boolean isRunning() {
    return process.isAlive();
  }

  /** Stops the server as Ctrl-C does, then removes its data directory and its output. */
  @Override
  public void close() {
    stop();
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      Files.deleteIfExists(log);
    } catch (IOException e) {
      // a leftover temporary directory is harmless
    }
  }

  private static Path repositoryRoot() {
    Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isExecutable(d.resolve("k8j")) && Files.exists(d.resolve("pom.xml"))) {
        return d;
      }
    }
    throw new IllegalStateException("no ./k8j launcher above " + dir);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
