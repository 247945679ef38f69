package io.k8j.proxy.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away network for kernel-mode tests, in namespaces named {@code k8jp-<id>-*} that exist
 * only for the test: a "node" namespace routing between "pod" namespaces (pod i is 10.244.i.2
 * behind the node's 10.244.i.1) and a "client" namespace outside the cluster (10.200.0.2, reaching
 * the node's address 10.200.0.1). Links are created inside the namespaces and vanish with them;
 * {@link #close} kills every process in them and deletes them.
 */
public final class NetnsTopology implements AutoCloseable {
  public static final String NODE_ADDRESS = "10.200.0.1";
  public static final String CLIENT_ADDRESS = "10.200.0.2";

  private final String id;
  private final List<String> namespaces = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();
  private final Path dir;

  private NetnsTopology(String id) throws IOException {
    this.id = id;
    this.dir = Files.createTempDirectory("k8jp-" + id + "-");
  }

  /** True if this process may create network namespaces (root, iproute2 present). */
  public static boolean available() {
    try {
      Process p = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
      p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
      return p.waitFor() == 0 && ProcessHandle.current().info().user().orElse("").equals("root");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The node, {@code pods} pods and the client, wired and addressed. */
  public static NetnsTopology create(int pods) throws IOException {
    String id = Long.toHexString(System.nanoTime() & 0xffffffL);
    NetnsTopology t = new NetnsTopology(id);
    try {
      t.addNamespace(t.node());
      t.sh(t.node(), "sysctl -q -w net.ipv4.ip_forward=1");
      t.sh(t.node(), "ip link set lo up");
      for (int i = 1; i <= pods; i++) {
        t.addNamespace(t.pod(i));
        t.veth(
            "p" + i,
            t.pod(i),
            "10.244." + i + ".1/24",
            "10.244." + i + ".2/24",
            "10.244." + i + ".1");
      }
      t.addNamespace(t.client());
      t.veth("c0", t.client(), NODE_ADDRESS + "/24", CLIENT_ADDRESS + "/24", NODE_ADDRESS);
      t.sh(t.node(), "ip route add default via " + CLIENT_ADDRESS);
      return t;
    } catch (IOException | RuntimeException e) {
      t.close();
      throw e;
    }
  }

  public String node() {
    return "k8jp-" + id + "-node";
  }

  public String pod(int i) {
    return "k8jp-" + id + "-pod" + i;
  }

  public String client() {
    return "k8jp-" + id + "-cli";
  }

  public static String podIp(int i) {
    return "10.244." + i + ".2";
  }

  private void addNamespace(String ns) throws IOException {
    run(List.of("ip", "netns", "add", ns));
    namespaces.add(ns);
    sh(ns, "ip link set lo up");
  }

  /** A veth pair: {@code nodeSide} in the node namespace, {@code eth0} in {@code peerNs}. */
  private void veth(String nodeSide, String peerNs, String nodeAddr, String peerAddr, String gw)
      throws IOException {
    run(
        List.of(
            "ip", "link", "add", nodeSide, "netns", node(), "type", "veth", "peer", "name", "eth0",
            "netns", peerNs));
    sh(
        node(),
        "ip addr add " + nodeAddr + " dev " + nodeSide + " && ip link set " + nodeSide + " up");
    sh(
        peerNs,
        "ip addr add "
            + peerAddr
            + " dev eth0 && ip link set eth0 up && ip route add default via "
            + gw);
  }

  /** Starts busybox httpd on port 80 in pod i, answering {@code /} with {@code body}. */
  public void httpd(int i, String body) throws IOException {
    Path www = dir.resolve("www" + i);
    Files.createDirectories(www);
    Files.writeString(www.resolve("index.html"), body);
    background(pod(i), List.of("/bin/busybox", "httpd", "-f", "-p", "80", "-h", www.toString()));
  }

  /** Starts a process in {@code ns}; killed by {@link #close}. */
  public Process background(String ns, List<String> cmd) throws IOException {
    List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    argv.addAll(cmd);
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    processes.add(p);
    return p;
  }

  /** Runs a shell command in {@code ns}; its output; throws if it fails. */
  public String sh(String ns, String command) throws IOException {
    return run(List.of("ip", "netns", "exec", ns, "sh", "-c", command));
  }

  /** Runs a command in {@code ns}; exit code and output, waiting at most 10 s. */
  public Result exec(String ns, List<String> cmd) throws IOException {
    return exec(ns, cmd, 10);
  }

  /** Runs a command in {@code ns}, killed after {@code seconds}; exit code and output. */
  public Result exec(String ns, List<String> cmd, int seconds) throws IOException {
    List<String> argv =
        new ArrayList<>(List.of("ip", "netns", "exec", ns, "timeout", Integer.toString(seconds)));
    argv.addAll(cmd);
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return new Result(p.waitFor(), out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  /**
   * GET http://ip:port/ from {@code ns} with busybox wget; the body, or null on failure. A
   * connection whose first packet came before the rules keeps retrying unrouted, so each try is cut
   * after 3 s (busybox's own wget -T crashes).
   */
  public String wget(String ns, String ip, int port) throws IOException {
    Result r =
        exec(
            ns,
            List.of("/bin/busybox", "wget", "-q", "-O", "-", "http://" + ip + ":" + port + "/"),
            3);
    return r.code() == 0 ? r.output().strip() : null;
  }

  public record Result(int code, String output) {}

  private static String run(List<String> argv) throws IOException {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(String.join(" ", argv) + " failed: " + out.strip());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  @Override
  public void close() {
    for (Process p : processes) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    for (String ns : namespaces.reversed()) {
      try {
        for (String pid : run(List.of("ip", "netns", "pids", ns)).split("\\s+")) {
          if (!pid.isBlank()) {
            ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
          }
        }
      } catch (IOException | RuntimeException e) {
        // the namespace is deleted below all the same
      }
    }
    for (String ns : namespaces.reversed()) {
      try {
        run(List.of("ip", "netns", "del", ns));
      } catch (IOException e) {
        System.err.println("could not delete network namespace " + ns + ": " + e.getMessage());
      }
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // temp files only
    }
  }
}
