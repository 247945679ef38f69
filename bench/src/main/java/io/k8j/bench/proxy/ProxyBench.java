package io.k8j.bench.proxy;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.k8j.bench.LoadAverage;
import io.k8j.proxy.ProxyMode;
import io.k8j.proxy.ProxyOptions;
import io.k8j.proxy.ServiceProxy;
import io.k8j.testing.cluster.TestApiServer;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code k8j bench proxy}: small HTTP requests through a Service's cluster IP and node port against
 * straight to its endpoint. In the iptables mode everything runs in network namespaces the
 * benchmark creates: a client pod goes to the cluster IP (compared with pod to pod, "direct"), a
 * client outside the cluster to the node port (compared with outside straight to the pod, "direct
 * ext"). In the userspace mode all is on loopback: the endpoint on 127.0.0.2, node ports on
 * 127.0.0.1, the cluster IP's stand-in on 127.8.0.1. The server and the load generator are JVMs of
 * their own; the proxy and a real API server run in this one. Each path is measured keep-alive
 * (requests back to back on each connection) and with a new connection per request, by the same
 * load generator (one JVM per client, the same connections count, a warm-up on each path) moving
 * between the paths in half-second slices, so that the machine's other work weighs on all alike;
 * the medians of the rounds count. Each round's line gives, for a proxied path, direct/proxied
 * req/s of that round (keep-alive | new connection). The server, the load generator and this JVM
 * (with the userspace proxy) are one session, so one scheduling group on a machine with autogroups:
 * the proxy's CPU comes out of the same share as the client's and the server's, on every path
 * alike. In the userspace mode the proxy loops' CPU time per proxied request is printed as well.
 * Targets: iptables within 10% of direct, userspace within 2x.
 */
public final class ProxyBench {
  /** How hard and how long. */
  public record Settings(
      int connections, Duration warmup, Duration measure, int rounds, Set<String> modes) {
    public static Settings defaults() {
      return new Settings(
          8, Duration.ofSeconds(1), Duration.ofSeconds(3), 3, Set.of("iptables", "userspace"));
    }

    public Settings withConnections(int n) {
      return new Settings(n, warmup, measure, rounds, modes);
    }

    public Settings withModes(Set<String> modes) {
      return new Settings(connections, warmup, measure, rounds, Set.copyOf(modes));
    }
  }

  /**
   * A way to the endpoint, measured from {@code client} (a network namespace, or null for this
   * host) and compared with {@code baseline} (null for a direct path).
   */
  private record Path2(String name, String client, String ip, int port, String baseline) {}

  /** The runs of one path, keep-alive and with a new connection per request. */
  private record Figures(List<HttpLoad.Result> keepAlive, List<HttpLoad.Result> perConnection) {
    double keepAliveRate() {
      return median(keepAlive.stream().mapToDouble(HttpLoad.Result::perSecond).toArray());
    }

    double keepAliveP99() {
      return median(keepAlive.stream().mapToDouble(HttpLoad.Result::p99Millis).toArray());
    }

    double connectionRate() {
      return median(perConnection.stream().mapToDouble(HttpLoad.Result::perSecond).toArray());
    }

    double connectionP99() {
      return median(perConnection.stream().mapToDouble(HttpLoad.Result::p99Millis).toArray());
    }

    static double median(double[] v) {
      double[] s = v.clone();
      Arrays.sort(s);
      return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
  }

  private static final String CLUSTER_STAND_IN = "127.8.0.1";
  private static final String NS = "default";

  /** How long the load stays on one path before it moves to the next. */
  private static final Duration SLICE = Duration.ofMillis(500);

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

  /** {@code ProxyBench [--connections N] [iptables] [userspace]}: both modes unless named. */
  public static void main(String[] args) throws Exception {
    Settings s = Settings.defaults();
    List<String> modes = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--connections")) {
        s = s.withConnections(Integer.parseInt(args[++i]));
      } else {
        modes.add(args[i]);
      }
    }
    if (!modes.isEmpty()) {
      s = s.withModes(Set.copyOf(modes));
    }
    new ProxyBench(s).run(System.out);
    System.exit(0);
  }

  public void run(PrintStream out) throws Exception {
    out.printf(
        Locale.ROOT,
        "proxy benchmark: %d connections, %d s per path and round in %d ms slices after %d s"
            + " warm-up, %d rounds; load average %s%n",
        settings.connections(),
        settings.measure().toSeconds(),
        SLICE.toMillis(),
        settings.warmup().toSeconds(),
        settings.rounds(),
        LoadAverage.now());
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
    proxyCpu.forEach(out::println);
    out.println("load average at the end: " + LoadAverage.now());
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
                  new Path2("direct", net.clientPod(), BenchNetwork.POD_IP, 8080, null),
                  new Path2(
                      "cluster IP", net.clientPod(), svc.getSpec().getClusterIP(), 80, "direct"),
                  new Path2("direct ext", net.client(), BenchNetwork.POD_IP, 8080, null),
                  new Path2(
                      "node port",
                      net.client(),
                      BenchNetwork.NODE_IP,
                      nodePort(svc),
                      "direct ext"));
          awaitServed(paths);
          results.put("iptables", measure("iptables", paths, out));
        } finally {
          proxy.close();
          deleteService(client, "bench-iptables", out);
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
                new Path2("direct", null, "127.0.0.2", backendPort, null),
                new Path2("cluster IP", null, CLUSTER_STAND_IN, port, "direct"),
                new Path2("node port", null, "127.0.0.1", nodePort(svc), "direct"));
        awaitServed(paths);
        results.put("userspace", measure("userspace", paths, out));
      } finally {
        proxy.close();
        deleteService(client, "bench-userspace", out);
      }
    } finally {
      BenchNetwork.stop(server);
    }
  }

  private final Map<String, String> baselines = new LinkedHashMap<>();

  /** Lines on the proxy's own CPU cost, one per mode that runs proxy loops in this JVM. */
  private final List<String> proxyCpu = new ArrayList<>();

  /**
   * The CPU time of the userspace proxy's event loops in this JVM so far (0 in the iptables mode,
   * where the kernel moves the packets).
   */
  private static long proxyLoopCpuNanos() {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("proxy-loop-")) {
        sum += Math.max(0, mx.getThreadCpuTime(t.threadId()));
      }
    }
    return sum;
  }

  /** Microseconds of proxy CPU per request through the proxied paths, warm-up included. */
  private static Optional<Double> perProxiedRequest(
      List<Path2> group, List<HttpLoad.Result> results, long cpuNanos) {
    long requests = 0;
    for (int i = 0; i < group.size(); i++) {
      if (group.get(i).baseline() != null) {
        requests += results.get(i).requests() + results.get(i).warmupRequests();
      }
    }
    return cpuNanos <= 0 || requests == 0
        ? Optional.empty()
        : Optional.of(cpuNanos / 1000.0 / requests);
  }

  /** For a proxied path, its direct/proxied req/s of this round; empty for a direct one. */
  private static String roundRatios(
      List<Path2> group, Path2 p, List<HttpLoad.Result> ka, List<HttpLoad.Result> pc) {
    if (p.baseline() == null) {
      return "";
    }
    int me = group.indexOf(p);
    for (int i = 0; i < group.size(); i++) {
      if (group.get(i).name().equals(p.baseline())) {
        return String.format(
            Locale.ROOT,
            "  %.2fx | %.2fx",
            ka.get(i).perSecond() / ka.get(me).perSecond(),
            pc.get(i).perSecond() / pc.get(me).perSecond());
      }
    }
    return "";
  }

  private Map<String, Figures> measure(String mode, List<Path2> paths, PrintStream out)
      throws IOException {
    Map<String, Figures> all = new LinkedHashMap<>();
    Map<String, List<Path2>> byClient = new LinkedHashMap<>();
    for (Path2 p : paths) {
      all.put(p.name(), new Figures(new ArrayList<>(), new ArrayList<>()));
      if (p.baseline() != null) {
        baselines.put(p.name(), p.baseline());
      }
      byClient.computeIfAbsent(String.valueOf(p.client()), c -> new ArrayList<>()).add(p);
    }
    List<Double> cpuKeepAlive = new ArrayList<>();
    List<Double> cpuPerConnection = new ArrayList<>();
    for (int round = 0; round < settings.rounds(); round++) {
      for (List<Path2> group : byClient.values()) {
        long cpu0 = proxyLoopCpuNanos();
        List<HttpLoad.Result> ka = load(group, true);
        long cpu1 = proxyLoopCpuNanos();
        List<HttpLoad.Result> pc = load(group, false);
        long cpu2 = proxyLoopCpuNanos();
        perProxiedRequest(group, ka, cpu1 - cpu0).ifPresent(cpuKeepAlive::add);
        perProxiedRequest(group, pc, cpu2 - cpu1).ifPresent(cpuPerConnection::add);
        for (int i = 0; i < group.size(); i++) {
          Path2 p = group.get(i);
          out.printf(
              Locale.ROOT,
              "  %-10s %-17s keep-alive %7.0f req/s p99 %6.3f ms   new connection %6.0f req/s"
                  + " p99 %6.3f ms  (errors %d)%s%n",
              p.name(),
              p.ip() + ":" + p.port(),
              ka.get(i).perSecond(),
              ka.get(i).p99Millis(),
              pc.get(i).perSecond(),
              pc.get(i).p99Millis(),
              ka.get(i).errors() + pc.get(i).errors(),
              roundRatios(group, p, ka, pc));
          all.get(p.name()).keepAlive().add(ka.get(i));
          all.get(p.name()).perConnection().add(pc.get(i));
        }
      }
    }
    if (!cpuKeepAlive.isEmpty()) {
      proxyCpu.add(
          String.format(
              Locale.ROOT,
              "%s proxy loops' CPU per proxied request (medians): keep-alive %.1f us, new"
                  + " connection %.1f us",
              mode,
              Figures.median(cpuKeepAlive.stream().mapToDouble(Double::doubleValue).toArray()),
              Figures.median(
                  cpuPerConnection.stream().mapToDouble(Double::doubleValue).toArray())));
    }
    return all;
  }

  /**
   * Loads the paths of one client from one load generator, alternating between them in short
   * slices, so that they share the machine's ups and downs alike.
   */
  private List<HttpLoad.Result> load(List<Path2> group, boolean keepAlive) throws IOException {
    int slices = (int) Math.max(1, settings.measure().toMillis() / SLICE.toMillis());
    List<String> args =
        new ArrayList<>(
            List.of(
                "load",
                Integer.toString(settings.connections()),
                Long.toString(settings.warmup().toMillis()),
                Long.toString(SLICE.toMillis()),
                Integer.toString(slices),
                keepAlive ? "keepalive" : "close"));
    for (Path2 p : group) {
      args.add(p.ip() + ":" + p.port());
    }
    String outText =
        BenchNetwork.output(group.getFirst().client(), jvm(args.toArray(String[]::new)));
    List<HttpLoad.Result> results = new ArrayList<>();
    for (String line : outText.strip().split("\n")) {
      if (line.startsWith("requests ")) {
        results.add(HttpLoad.Result.parse(line));
      }
    }
    if (results.size() != group.size()) {
      throw new IOException("the load generator said: " + outText.strip());
    }
    return results;
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
  private static void awaitServed(List<Path2> paths) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    for (Path2 p : paths) {
      while (true) {
        try {
          String body =
              BenchNetwork.output(
                  p.client(),
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

  /** Deletes a Service the benchmark made; a failure is reported, as the server goes anyway. */
  private static void deleteService(KubernetesClient client, String name, PrintStream out) {
    try {
      client.services().inNamespace(NS).withName(name).delete();
    } catch (RuntimeException e) {
      out.println("  (deleting Service " + name + " failed: " + e.getMessage() + ")");
    }
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
        "medians of %d rounds; ratios are proxied/direct for latency and direct/proxied for"
            + " req/s (1.00x: no cost)%n",
        settings.rounds());
    out.printf(
        Locale.ROOT,
        "%-10s %-11s %9s %8s %9s %8s   %-33s %s%n",
        "mode",
        "path",
        "req/s",
        "p99 ms",
        "conn/s",
        "p99 ms",
        "vs direct: req/s p99 | conn/s p99",
        "target");
    results.forEach(
        (mode, paths) -> {
          double limit = mode.equals("iptables") ? 1.10 : 2.0;
          paths.forEach(
              (path, f) -> {
                String vs = "";
                String target = "";
                String base = baselines.get(path);
                if (base != null) {
                  Figures direct = paths.get(base);
                  double[] r = {
                    direct.keepAliveRate() / f.keepAliveRate(),
                    f.keepAliveP99() / direct.keepAliveP99(),
                    direct.connectionRate() / f.connectionRate(),
                    f.connectionP99() / direct.connectionP99()
                  };
                  vs =
                      String.format(
                          Locale.ROOT, "%.2fx %.2fx | %.2fx %.2fx", r[0], r[1], r[2], r[3]);
                  String[] names = {"req/s", "p99", "conn/s", "conn p99"};
                  List<String> missed = new ArrayList<>();
                  for (int i = 0; i < r.length; i++) {
                    if (r[i] > limit) {
                      missed.add(names[i]);
                    }
                  }
                  target =
                      String.format(Locale.ROOT, "within %.2fx: ", limit)
                          + (missed.isEmpty() ? "ok" : "missed on " + String.join(", ", missed));
                }
                out.printf(
                    Locale.ROOT,
                    "%-10s %-11s %9.0f %8.3f %9.0f %8.3f   %-33s %s%n",
                    mode,
                    path,
                    f.keepAliveRate(),
                    f.keepAliveP99(),
                    f.connectionRate(),
                    f.connectionP99(),
                    vs,
                    target);
              });
        });
  }
}
