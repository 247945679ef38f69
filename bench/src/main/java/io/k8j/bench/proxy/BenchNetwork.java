package io.k8j.bench.proxy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The kernel-mode benchmark's network, in namespaces named {@code k8jb-<id>-*} that exist only
 * while it runs: a "node" routing between a server "pod" (10.244.1.2), a client pod (10.244.2.2)
 * and a "client" outside the cluster (10.200.0.2; the node is 10.200.0.1). Links are created inside
 * the namespaces; {@link #close} kills what runs in them and deletes them.
 */
final class BenchNetwork implements AutoCloseable {
  static final String POD_IP = "10.244.1.2";
  static final String CLIENT_POD_IP = "10.244.2.2";
  static final String NODE_IP = "10.200.0.1";
  static final String CLIENT_IP = "10.200.0.2";

  private final String id = Long.toHexString(System.nanoTime() & 0xffffffL);
  private final List<String> namespaces = new ArrayList<>();

  /** True when network namespaces can be made here (root, iproute2). */
  static boolean available() {
    if (!ProcessHandle.current().info().user().orElse("").equals("root")) {
      return false;
    }
    try {
      return run(List.of("ip", "netns", "list")) != null;
    } catch (IOException e) {
      return false;
    }
  }

  static BenchNetwork create() throws IOException {
    BenchNetwork n = new BenchNetwork();
    try {
      for (String ns : List.of(n.node(), n.pod(), n.clientPod(), n.client())) {
        run(List.of("ip", "netns", "add", ns));
        n.namespaces.add(ns);
        n.sh(ns, "ip link set lo up");
      }
      n.sh(n.node(), "sysctl -q -w net.ipv4.ip_forward=1");
      // one client stands for many: it reuses its ports while their TIME_WAIT lasts (which it
      // may, being the side that closes), rather than run out of them
      for (String ns : List.of(n.clientPod(), n.client())) {
        n.sh(
            ns,
            "sysctl -q -w net.ipv4.tcp_tw_reuse=1"
                + " && sysctl -q -w net.ipv4.ip_local_port_range='1024 65535'");
      }
      n.link("p1", n.pod(), "10.244.1.1/24", POD_IP + "/24", "10.244.1.1");
      n.link("p2", n.clientPod(), "10.244.2.1/24", CLIENT_POD_IP + "/24", "10.244.2.1");
      n.link("c0", n.client(), NODE_IP + "/24", CLIENT_IP + "/24", NODE_IP);
      n.sh(n.node(), "ip route add default via " + CLIENT_IP);
      return n;
    } catch (IOException | RuntimeException e) {
      n.close();
      throw e;
    }
  }

  String node() {
    return "k8jb-" + id + "-node";
  }

  String pod() {
    return "k8jb-" + id + "-pod";
  }

  String clientPod() {
    return "k8jb-" + id + "-cpod";
  }

  String client() {
    return "k8jb-" + id + "-cli";
  }

  private void link(String nodeSide, String peer, String nodeAddr, String peerAddr, String gw)
      throws IOException {
    run(
        List.of(
            "ip", "link", "add", nodeSide, "netns", node(), "type", "veth", "peer", "name", "eth0",
            "netns", peer));
    sh(
        node(),
        "ip addr add " + nodeAddr + " dev " + nodeSide + " && ip link set " + nodeSide + " up");
    sh(
        peer,
        "ip addr add "
            + peerAddr
            + " dev eth0 && ip link set eth0 up && ip route add default via "
            + gw);
  }

  /**
   * Starts {@code cmd} (in {@code ns}, or on the host when null) and waits for it to print {@code
   * ready}. The caller stops it ({@link #stop}); {@link #close} kills what is left in the
   * namespaces.
   */
  static Process startReady(String ns, List<String> cmd) throws IOException {
    List<String> argv = new ArrayList<>();
    if (ns != null) {
      argv.addAll(List.of("ip", "netns", "exec", ns));
    }
    argv.addAll(cmd);
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = r.readLine();
    if (!"ready".equals(line)) {
      stop(p);
      throw new IOException(String.join(" ", argv) + " did not start: " + line);
    }
    return p;
  }

  static void stop(Process p) {
    p.destroyForcibly();
    try {
      p.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Runs {@code cmd} (in {@code ns}, or on the host when null) to completion; its output. */
  static String output(String ns, List<String> cmd) throws IOException {
    List<String> argv = new ArrayList<>();
    if (ns != null) {
      argv.addAll(List.of("ip", "netns", "exec", ns));
    }
    argv.addAll(cmd);
    return run(argv);
  }

  String sh(String ns, String command) throws IOException {
    return run(List.of("ip", "netns", "exec", ns, "sh", "-c", command));
  }

  private static String run(List<String> argv) throws IOException {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
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
    for (String ns : namespaces) {
      try {
        for (String pid : run(List.of("ip", "netns", "pids", ns)).split("\\s+")) {
          if (!pid.isBlank()) {
            ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
          }
        }
      } catch (IOException | RuntimeException e) {
        // deleted below all the same
      }
    }
    for (String ns : namespaces.reversed()) {
      try {
        run(List.of("ip", "netns", "del", ns));
      } catch (IOException e) {
        System.err.println("could not delete network namespace " + ns + ": " + e.getMessage());
      }
    }
  }
}
