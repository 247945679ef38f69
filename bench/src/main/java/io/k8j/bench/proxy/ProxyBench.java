package io.k8j.bench.proxy;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.k8j.proxy.ProxyMode;
import io.k8j.proxy.ProxyOptions;
import io.k8j.proxy.ServiceProxy;
import io.k8j.testing.cluster.TestApiServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code k8j bench proxy}: small HTTP requests straight to an endpoint, through its Service's
 * cluster IP and through its node port, with the proxy in the iptables mode (inside network
 * namespaces the benchmark creates: a client outside the cluster, the node, the pod) and in the
 * userspace mode (on loopback: the endpoint on 127.0.0.2, node ports on 127.0.0.1, the cluster IP's
 * stand-in on 127.8.0.1). The server and the load generator are JVMs of their own; the proxy and a
 * real API server run in this one. Each path is measured keep-alive (requests back to back on each
 * connection) and with a new connection per request; the best of a few rounds counts, and each
 * proxied figure is divided by the direct one. Targets: iptables within 10% of direct, userspace
 * within 2x.
 */
public final class ProxyBench {
  /** How hard and how long. */
  public record Settings(
      int connections, Duration warmup, Duration measure, int rounds, Set<String> modes) {
    public static Settings defaults() {
      return new Settings(
          8, Duration.ofSeconds(1), Duration.ofSeconds(3), 3, Set.of("iptables", "userspace"));
    }

    public Settings withModes(Set<String> modes) {
      return new Settings(connections, warmup, measure, rounds, Set.copyOf(modes));
    }
  }

  private record Path2(String name, String ip, int port) {}

  /** The best keep-alive and new-connection runs of one path. */
  private record Figures(HttpLoad.Result keepAlive, HttpLoad.Result perConnection) {}

  private static final String CLUSTER_STAND_IN = "127.8.0.1";
  private static final String NS = "default";

  private final Settings settings;
  private final String java;
  private final String classpath;
  private final Map<String, Map<String, Figures>> results = new LinkedHashMap<>();

  public ProxyBench(Settings settings) {
    this.settings = settings;
    this.java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(System.getProperty("java.home") + "/bin/java");
    try {
      this.classpath =
          Path.of(HttpLoad.class.getProtectionDomain().getCodeSource().getLocation().toURI())
              .toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  public static void main(String[] args) throws Exception {
    Settings s = Settings.defaults();
    if (args.length > 0) {
      s = s.withModes(Set.of(args));
    }
    new ProxyBench(s).run(System.out);
    System.exit(0);
  }

  public void run(PrintStream out) throws Exception {
    out.printf(
        Locale.ROOT,
        "proxy benchmark: %d connections, %d s per run after %d s warm-up, best of %d rounds%n",
        settings.connections(),
        settings.measure().toSeconds(),
        settings.warmup().toSeconds(),
        settings.rounds());
    try (TestApiServer api = TestApiServer.start()) {
      KubernetesClient client = api.client();
      if (settings.modes().contains("iptables")) {
        if (BenchNetwork.available()) {
          kernel(client, out);
        } else {
          out.println("iptables mode skipped: needs root and ip netns");
        }
      }
      if (settings.modes().contains("userspace")) {
        userspace(client, out);
      }
    }
    out.println();
    print(out);
  }

  private void kernel(KubernetesClient client, PrintStream out) throws Exception {
    out.println("iptables mode, in network namespaces:");
    try (BenchNetwork net = BenchNetwork.create()) {
      Process server =
          BenchNetwork.startReady(net.pod(), jvm("serve", BenchNetwork.POD_IP, "8080"));
      try {
        Service svc = service(client, "bench-iptables", 80, BenchNetwork.POD_IP, 8080);
        ServiceProxy proxy =
            new ServiceProxy(
                client,
                ProxyOptions.defaults("bench-node", List.of(BenchNetwork.NODE_IP))
                    .withMode(ProxyMode.IPTABLES)
                    .withNetns(net.node())
                    .withClusterCidr("10.244.0.0/16")
                    .withLoadBalancerStatus(false));
        proxy.start();
        try {
          List<Path2> paths =
              List.of(
                  new Path2("direct", BenchNetwork.POD_IP, 8080),
                  new Path2("cluster IP", svc.getSpec().getClusterIP(), 80),
                  new Path2("node port", BenchNetwork.NODE_IP, nodePort(svc)));
          awaitServed(net.client(), paths);
          results.put("iptables", measure(net.client(), paths, out));
        } finally {
          proxy.close();
          client.services().inNamespace(NS).withName("bench-iptables").delete();
        }
      } finally {
        BenchNetwork.stop(server);
      }
    }
  }

  private void userspace(KubernetesClient client, PrintStream out) throws Exception {
    out.println("userspace mode, on loopback:");
    int backendPort = freePort("127.0.0.2");
    Process server =
        BenchNetwork.startReady(null, jvm("serve", "127.0.0.2", Integer.toString(backendPort)));
    try {
      int port = freePort("127.0.0.1", CLUSTER_STAND_IN);
      Service svc = service(client, "bench-userspace", port, "127.0.0.2", backendPort);
      ServiceProxy proxy =
          new ServiceProxy(
              client,
              ProxyOptions.defaults("bench-node", List.of("127.0.0.1"))
                  .withMode(ProxyMode.USERSPACE)
                  .withUserspaceClusterIpAddress(CLUSTER_STAND_IN)
                  .withLoadBalancerStatus(false));
      proxy.start();
      try {
        List<Path2> paths =
            List.of(
                new Path2("direct", "127.0.0.2", backendPort),
                new Path2("cluster IP", CLUSTER_STAND_IN, port),
                new Path2("node port", "127.0.0.1", nodePort(svc)));
        awaitServed(null, paths);
        results.put("userspace", measure(null, paths, out));
      } finally {
        proxy.close();
        client.services().inNamespace(NS).withName("bench-userspace").delete();
      }
    } finally {
      BenchNetwork.stop(server);
    }
  }

  private Map<String, Figures> measure(String ns, List<Path2> paths, PrintStream out)
      throws IOException {
    Map<String, Figures> best = new LinkedHashMap<>();
    for (int round = 0; round < settings.rounds(); round++) {
      for (Path2 p : paths) {
        HttpLoad.Result ka = load(ns, p, true);
        HttpLoad.Result pc = load(ns, p, false);
        out.printf(
            Locale.ROOT,
            "  %-10s %s:%d  keep-alive %8.0f req/s p99 %.3f ms   new connection %7.0f req/s p99 %.3f ms  (errors %d)%n",
            p.name(),
            p.ip(),
            p.port(),
            ka.perSecond(),
            ka.p99Millis(),
            pc.perSecond(),
            pc.p99Millis(),
            ka.errors() + pc.errors());
        Figures had = best.get(p.name());
        best.put(
            p.name(),
            had == null
                ? new Figures(ka, pc)
                : new Figures(better(had.keepAlive(), ka), better(had.perConnection(), pc)));
      }
    }
    return best;
  }

  private static HttpLoad.Result better(HttpLoad.Result a, HttpLoad.Result b) {
    return b.perSecond() > a.perSecond() ? b : a;
  }

  private HttpLoad.Result load(String ns, Path2 p, boolean keepAlive) throws IOException {
    String outText =
        BenchNetwork.output(
            ns,
            jvm(
                "load",
                p.ip(),
                Integer.toString(p.port()),
                Integer.toString(settings.connections()),
                Long.toString(settings.warmup().toMillis()),
                Long.toString(settings.measure().toMillis()),
                keepAlive ? "keepalive" : "close"));
    String[] lines = outText.strip().split("\n");
    return HttpLoad.Result.parse(lines[lines.length - 1]);
  }

  private List<String> jvm(String... args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java, "-Xmx256m", "-XX:+UseSerialGC", "-cp", classpath, HttpLoad.class.getName()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** Waits until every path answers a GET (the proxy has synced). */
  private static void awaitServed(String ns, List<Path2> paths) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    for (Path2 p : paths) {
      while (true) {
        try {
          String body =
              BenchNetwork.output(
                  ns,
                  List.of(
                      "timeout",
                      "3",
                      "/bin/busybox",
                      "wget",
                      "-q",
                      "-O",
                      "-",
                      "http://" + p.ip() + ":" + p.port() + "/"));
          if (body.strip().equals("ok")) {
            break;
          }
        } catch (IOException e) {
          // not routed yet
        }
        if (System.nanoTime() > deadline) {
          throw new IOException(p.name() + " " + p.ip() + ":" + p.port() + " never answered");
        }
        Thread.sleep(200);
      }
    }
  }

  private static Service service(
      KubernetesClient client, String name, int port, String endpointIp, int endpointPort) {
    Service svc =
        client
            .services()
            .resource(
                new ServiceBuilder()
                    .withNewMetadata()
                    .withNamespace(NS)
                    .withName(name)
                    .endMetadata()
                    .withNewSpec()
                    .withType("NodePort")
                    .addNewPort()
                    .withName("http")
                    .withPort(port)
                    .withProtocol("TCP")
                    .endPort()
                    .endSpec()
                    .build())
            .create();
    client
        .discovery()
        .v1()
        .endpointSlices()
        .resource(
            new EndpointSliceBuilder()
                .withNewMetadata()
                .withNamespace(NS)
                .withName(name + "-1")
                .addToLabels("kubernetes.io/service-name", name)
                .endMetadata()
                .withAddressType("IPv4")
                .addNewPort()
                .withName("http")
                .withPort(endpointPort)
                .withProtocol("TCP")
                .endPort()
                .addNewEndpoint()
                .withAddresses(endpointIp)
                .withNodeName("bench-node")
                .withNewConditions()
                .withReady(true)
                .endConditions()
                .endEndpoint()
                .build())
        .create();
    return svc;
  }

  private static int nodePort(Service svc) {
    return svc.getSpec().getPorts().getFirst().getNodePort();
  }

  /** A TCP port free on each of the addresses. */
  private static int freePort(String... ips) throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int port;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(ips[0]))) {
        port = s.getLocalPort();
      }
      boolean free = true;
      for (String ip : ips) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName(ip));
            DatagramSocket d = new DatagramSocket(new InetSocketAddress(ip, port))) {
          // free
        } catch (IOException e) {
          free = false;
        }
      }
      if (free) {
        return port;
      }
    }
    throw new IOException("no free port");
  }

  private void print(PrintStream out) {
    out.printf(
        Locale.ROOT,
        "%-10s %-11s %11s %9s %11s %9s   %-28s %s%n",
        "mode",
        "path",
        "req/s",
        "p99 ms",
        "conn req/s",
        "p99 ms",
        "vs direct (req/s, p99)",
        "target");
    results.forEach(
        (mode, paths) -> {
          Figures direct = paths.get("direct");
          double limit = mode.equals("iptables") ? 1.10 : 2.0;
          paths.forEach(
              (path, f) -> {
                String vs = "";
                String target = "";
                if (f != direct) {
                  double tput = direct.keepAlive().perSecond() / f.keepAlive().perSecond();
                  double p99 = f.keepAlive().p99Millis() / direct.keepAlive().p99Millis();
                  double ctput = direct.perConnection().perSecond() / f.perConnection().perSecond();
                  double cp99 = f.perConnection().p99Millis() / direct.perConnection().p99Millis();
                  vs =
                      String.format(
                          Locale.ROOT, "%.2fx %.2fx | conn %.2fx %.2fx", tput, p99, ctput, cp99);
                  boolean ok = Math.max(Math.max(tput, p99), Math.max(ctput, cp99)) <= limit;
                  target =
                      String.format(
                          Locale.ROOT, "%s %.2fx: %s", "within", limit, ok ? "ok" : "MISSED");
                }
                out.printf(
                    Locale.ROOT,
                    "%-10s %-11s %11.0f %9.3f %11.0f %9.3f   %-28s %s%n",
                    mode,
                    path,
                    f.keepAlive().perSecond(),
                    f.keepAlive().p99Millis(),
                    f.perConnection().perSecond(),
                    f.perConnection().p99Millis(),
                    vs,
                    target);
              });
        });
    out.println(
        "(vs direct: how many times slower than straight to the endpoint; 1.00x is no cost)");
  }
}
