package io.k8j.e2e;

import io.k8j.kubelet.images.BusyboxImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Several machines on one: a Linux bridge the test makes, and per node a network namespace joined
 * to it by a veth pair, with its own address, containerd and data directory. Node 0 runs {@code k8j
 * server} (control plane and a node); the others run a node that joins it. Every name (bridge,
 * links, namespaces) carries a random id, and {@link #close} removes all of it, processes first.
 */
final class NetnsCluster implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(240);

  /** One node: its namespace, host-side link, address and process. */
  final class Node {
    final int index;
    final String name;
    final String netns;
    final String hostLink;
    final String ip;
    final Path dataDir;
    final Path log;
    Process process;

    Node(int index) {
      this.index = index;
      this.name = "node-" + id + "-" + index;
      this.netns = "k8j-" + id + "-" + index;
      this.hostLink = "k8jv" + id + index;
      this.ip = subnet + "." + (10 + index);
      this.dataDir = root.resolve(name);
      this.log = root.resolve(name + ".log");
    }

    String output() {
      try {
        return Files.readString(log, StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "(no output: " + e.getMessage() + ")";
      }
    }

    /** Cuts the node off the network (its link on the bridge down), or joins it again. */
    void link(boolean up) throws IOException {
      sh("ip", "link", "set", hostLink, up ? "up" : "down");
    }
  }

  final String id = HexFormat.of().formatHex(new SecureRandom().generateSeed(3));
  final String bridge = "k8jb" + id;
  final String subnet;
  final Path root;
  final List<Node> nodes = new ArrayList<>();
  private final Path repo;
  private String token;

  private NetnsCluster(int nodeCount) throws IOException {
    this.subnet = "10.98." + (1 + new SecureRandom().nextInt(250));
    this.root = Files.createTempDirectory("k8j-netns-" + id + "-");
    this.repo = repositoryRoot();
    for (int i = 0; i < nodeCount; i++) {
      nodes.add(new Node(i));
    }
  }

  /** Makes the network and starts the server and the other nodes; closes all on failure. */
  static NetnsCluster start(int nodeCount, String... serverFlags) throws Exception {
    NetnsCluster c = new NetnsCluster(nodeCount);
    try {
      c.network();
      c.startServer(serverFlags);
      for (Node n : c.nodes.subList(1, c.nodes.size())) {
        c.startAgent(n);
      }
      return c;
    } catch (Exception | Error e) {
      c.close();
      throw e;
    }
  }

  Node server() {
    return nodes.get(0);
  }

  /** The admin kubeconfig, pointing at the server's address on the bridge. */
  Path kubeconfig() {
    return root.resolve("admin.kubeconfig");
  }

  private void network() throws IOException {
    sh("ip", "link", "add", bridge, "type", "bridge");
    sh("ip", "addr", "add", subnet + ".1/24", "dev", bridge);
    sh("ip", "link", "set", bridge, "up");
    for (Node n : nodes) {
      sh("ip", "netns", "add", n.netns);
      sh("ip", "link", "add", n.hostLink, "type", "veth", "peer", "name", "eth0", "netns", n.netns);
      sh("ip", "link", "set", n.hostLink, "master", bridge);
      sh("ip", "link", "set", n.hostLink, "up");
      sh("ip", "-n", n.netns, "link", "set", "lo", "up");
      sh("ip", "-n", n.netns, "addr", "add", n.ip + "/24", "dev", "eth0");
      sh("ip", "-n", n.netns, "link", "set", "eth0", "up");
      sh("ip", "-n", n.netns, "route", "add", "default", "via", subnet + ".1");
      Path images = n.dataDir.resolve("agent/images");
      Files.createDirectories(images);
      BusyboxImage.write(images.resolve("busybox.tar"), "docker.io/library/busybox:latest");
    }
  }

  /**
   * A command in the node's network namespace. nsenter, not {@code ip netns exec}: that one mounts
   * a fresh /sys, which hides the cgroup file system runc needs.
   */
  private List<String> inNetns(Node n, List<String> command) {
    List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=/run/netns/" + n.netns));
    cmd.addAll(command);
    return cmd;
  }

  private Process launch(Node n, List<String> command) throws IOException {
    ProcessBuilder b = new ProcessBuilder(inNetns(n, command)).directory(repo.toFile());
    b.environment().put("K8J_NO_BUILD", "1");
    b.environment().put("K8J_SKIP_DEPS", "1");
    b.environment().put("K8J_JAVA_OPTS", "-Xmx768m");
    b.redirectErrorStream(true).redirectOutput(n.log.toFile());
    return b.start();
  }

  private void startServer(String... flags) throws Exception {
    Node s = server();
    List<String> cmd =
        new ArrayList<>(
            List.of(
                repo.resolve("k8j").toString(),
                "server",
                "--data-dir",
                s.dataDir.toString(),
                "--node-name",
                s.name,
                "--node-ip",
                s.ip));
    cmd.addAll(List.of(flags));
    s.process = launch(s, cmd);
    Path admin = s.dataDir.resolve("admin.kubeconfig");
    await(s, () -> Files.exists(admin), "admin.kubeconfig");
    Files.writeString(
        kubeconfig(),
        Files.readString(admin)
            .replaceAll("server: https://[^\\s]+", "server: https://" + s.ip + ":6443"));
    await(s, this::readyz, "/readyz");
  }

  /** A node that joins the server: {@code k8j agent} with a token from {@code k8j token create}. */
  private void startAgent(Node n) throws Exception {
    if (token == null) {
      token = k8j("token", "create", "--kubeconfig", kubeconfig().toString()).strip();
      String[] lines = token.split("\n");
      token = lines[lines.length - 1].strip();
    }
    n.process = launch(n, agentCommand(n.dataDir, n.name, n.ip, token));
  }

  private List<String> agentCommand(Path dataDir, String name, String ip, String joinToken) {
    return List.of(
        repo.resolve("k8j").toString(),
        "agent",
        "--server",
        "https://" + server().ip + ":6443",
        "--token",
        joinToken,
        "--data-dir",
        dataDir.toString(),
        "--node-name",
        name,
        "--node-ip",
        ip);
  }

  /** The join token the agents used. */
  String token() {
    return token;
  }

  /**
   * Runs {@code k8j agent} with {@code joinToken} in node 1's namespace under a fresh name and data
   * directory, and returns its exit code and output once it ends (at most 3 minutes).
   */
  Kubectl.Result joinWith(String joinToken) throws Exception {
    Path dir = root.resolve("rejected");
    Path out = root.resolve("rejected.log");
    ProcessBuilder b =
        new ProcessBuilder(
                inNetns(
                    nodes.get(1), agentCommand(dir, "rejected-" + id, nodes.get(1).ip, joinToken)))
            .directory(repo.toFile());
    b.environment().put("K8J_NO_BUILD", "1");
    b.environment().put("K8J_SKIP_DEPS", "1");
    b.redirectErrorStream(true).redirectOutput(out.toFile());
    Process p = b.start();
    if (!p.waitFor(3, TimeUnit.MINUTES)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      return new Kubectl.Result(-1, Files.readString(out), "(still running after 3 minutes)");
    }
    return new Kubectl.Result(p.exitValue(), Files.readString(out), "");
  }

  /** Runs {@code ./k8j ARGS} on the host; its standard output. */
  private String k8j(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(repo.resolve("k8j").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder b = new ProcessBuilder(cmd).directory(repo.toFile());
    b.environment().put("K8J_NO_BUILD", "1");
    b.environment().put("K8J_SKIP_DEPS", "1");
    Process p = b.redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IOException("./k8j " + String.join(" ", args) + " failed: " + out);
    }
    return out;
  }

  private boolean readyz() throws Exception {
    return K8jServer.readyz(kubeconfig());
  }

  interface Check {
    boolean ok() throws Exception;
  }

  private static void await(Node n, Check check, String what) throws Exception {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      if (!n.process.isAlive()) {
        throw new IllegalStateException(
            n.name + " exited with " + n.process.exitValue() + ":\n" + tail(n.output()));
      }
      if (check.ok()) {
        return;
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException(
        n.name + ": no " + what + " in " + START_TIMEOUT + ":\n" + tail(n.output()));
  }

  /** The last lines each node printed, for failure messages. */
  String logTails() {
    StringBuilder sb = new StringBuilder();
    for (Node n : nodes) {
      sb.append("\n---- ").append(n.name).append(" log:\n").append(tail(n.output()));
    }
    return sb.toString();
  }

  static String tail(String s) {
    String[] lines = s.split("\n");
    return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 40), lines.length));
  }

  /** Runs a command on the host; fails with its output unless it exits 0. */
  static String sh(String... cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(String.join(" ", cmd) + ": " + out.strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    return out;
  }

  private static void quietly(String... cmd) {
    try {
      sh(cmd);
    } catch (IOException e) {
      // already gone
    }
  }

  /**
   * Stops the nodes (agents first), kills what they left in their namespaces (containerd and its
   * shims, the pods' processes), unmounts what they left under the data directories, and removes
   * the namespaces, links, bridge and files.
   */
  @Override
  public void close() {
    for (Node n : nodes.reversed()) {
      if (n.process != null) {
        n.process.destroy();
      }
    }
    for (Node n : nodes.reversed()) {
      if (n.process != null) {
        try {
          if (!n.process.waitFor(45, TimeUnit.SECONDS)) {
            n.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    killLeftovers();
    for (Node n : nodes) {
      quietly("ip", "netns", "del", n.netns);
      quietly("ip", "link", "del", n.hostLink);
    }
    quietly("ip", "link", "del", bridge);
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temporary directory is harmless
    }
  }

  /** Processes whose command line names our data directory, then mounts under it. */
  private void killLeftovers() {
    String mark = root.toString();
    ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(mark)).orElse(false))
        .forEach(
            p -> {
              p.descendants().forEach(ProcessHandle::destroyForcibly);
              p.destroyForcibly();
            });
    for (Node n : nodes) {
      try {
        for (String pid : sh("ip", "netns", "pids", n.netns).split("\\s+")) {
          if (!pid.isBlank()) {
            ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
          }
        }
      } catch (IOException | NumberFormatException e) {
        // namespace gone
      }
    }
    try {
      List<String> mounts = new ArrayList<>();
      for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
        String[] f = line.split(" ");
        if (f.length > 1 && f[1].startsWith(mark)) {
          mounts.add(f[1]);
        }
      }
      mounts.sort(Comparator.reverseOrder());
      for (String m : mounts) {
        quietly("umount", "-l", m);
      }
    } catch (IOException e) {
      // nothing mounted
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
}
