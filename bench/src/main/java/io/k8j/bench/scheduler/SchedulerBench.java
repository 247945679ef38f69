package io.k8j.bench.scheduler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.k8j.bench.Histogram;
import io.k8j.scheduler.Scheduler;
import io.k8j.scheduler.SchedulerMetrics;
import io.k8j.scheduler.SchedulerOptions;
import io.k8j.testing.cluster.TestApiServer;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code k8j bench scheduler}, in the manner of upstream's scheduler_perf: a real API server on the
 * embedded store in this JVM, nodes as objects only (no kubelet), pods created through the API by
 * several clients at once, and the scheduler binding them. Per scenario and cluster size it prints
 * the throughput (pods bound per second, from the first creation to the last binding) and the
 * per-pod latency from creation to binding, with the ratio to upstream's bars where it has one (270
 * pods/s basic and 85 pods/s with topology spreading, both at 5,000 nodes).
 */
public final class SchedulerBench {
  /** What to run. */
  public record Settings(
      int[] nodeCounts, int pods, int creators, List<Scenario> scenarios, List<Mode> modes) {
    public static Settings defaults() {
      return new Settings(
          new int[] {500, 5000}, 10_000, 8, List.of(Scenario.values()), List.of(Mode.values()));
    }

    /**
     * Reads {@code --nodes=500,5000 --pods=10000 --creators=8 --scenarios=basic,anti,spread
     * --modes=concurrent,preloaded}.
     */
    public static Settings parse(String[] args) {
      Settings s = defaults();
      int[] nodes = s.nodeCounts();
      int pods = s.pods();
      int creators = s.creators();
      List<Scenario> scenarios = s.scenarios();
      List<Mode> modes = s.modes();
      for (String a : args) {
        String[] kv = a.replaceFirst("^--", "").split("=", 2);
        String v = kv.length > 1 ? kv[1] : "";
        switch (kv[0]) {
          case "nodes" -> nodes = Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray();
          case "pods" -> pods = Integer.parseInt(v);
          case "creators" -> creators = Integer.parseInt(v);
          case "scenarios" -> scenarios = Arrays.stream(v.split(",")).map(Scenario::parse).toList();
          case "modes" -> modes = Arrays.stream(v.split(",")).map(Mode::parse).toList();
          default -> throw new IllegalArgumentException("unknown option " + a);
        }
      }
      return new Settings(nodes, pods, creators, scenarios, modes);
    }
  }

  /**
   * The workloads, as scheduler_perf's SchedulingBasic, SchedulingPodAntiAffinity,
   * TopologySpreading.
   */
  public enum Scenario {
    BASIC("basic", 270),
    POD_ANTI_AFFINITY("pod anti-affinity", 0),
    TOPOLOGY_SPREADING("topology spreading", 85);

    final String label;
    final double upstreamBarAt5000;

    Scenario(String label, double bar) {
      this.label = label;
      this.upstreamBarAt5000 = bar;
    }

    static Scenario parse(String s) {
      return switch (s) {
        case "basic" -> BASIC;
        case "anti", "anti-affinity" -> POD_ANTI_AFFINITY;
        case "spread", "topology-spreading" -> TOPOLOGY_SPREADING;
        default -> throw new IllegalArgumentException("unknown scenario " + s);
      };
    }
  }

  /**
   * How pods meet the scheduler: created while it runs (as scheduler_perf does; creation and
   * scheduling share the machine and the API server), or all created before it starts (its own
   * pace: scheduling and binding only).
   */
  public enum Mode {
    CONCURRENT("concurrent"),
    PRELOADED("preloaded");

    final String label;

    Mode(String label) {
      this.label = label;
    }

    static Mode parse(String s) {
      return switch (s) {
        case "concurrent" -> CONCURRENT;
        case "preloaded" -> PRELOADED;
        default -> throw new IllegalArgumentException("unknown mode " + s);
      };
    }
  }

  /** One run's figures. */
  public record Figures(
      Scenario scenario,
      Mode mode,
      int nodes,
      int pods,
      int bound,
      double podsPerSecond,
      double createsPerSecond,
      double p50Millis,
      double p99Millis,
      double meanCycleMicros,
      double cpuMillisPerPod) {}

  private static final String NAMESPACE = "default";

  private final Settings settings;
  private final PrintStream out;

  public SchedulerBench(Settings settings, PrintStream out) {
    this.settings = settings;
    this.out = out;
  }

  public static void main(String[] args) throws Exception {
    new SchedulerBench(Settings.parse(args), System.out).run();
  }

  public List<Figures> run() throws Exception {
    out.println("warming up (basic, 200 nodes, 2000 pods; not counted) ...");
    new SchedulerBench(
            new Settings(
                new int[] {200},
                2000,
                settings.creators(),
                List.of(Scenario.BASIC),
                List.of(Mode.CONCURRENT)),
            out)
        .runOne(Scenario.BASIC, Mode.CONCURRENT, 200);
    List<Figures> all = new ArrayList<>();
    for (Scenario sc : settings.scenarios()) {
      for (int n : settings.nodeCounts()) {
        for (Mode m : settings.modes()) {
          out.printf(
              Locale.ROOT,
              "%s, %d nodes, %d pods, %s ...%n",
              sc.label,
              n,
              settings.pods(),
              m.label);
          Figures f = runOne(sc, m, n);
          all.add(f);
          out.printf(
              Locale.ROOT,
              "  %d/%d bound: %.1f pods/s (creation %.1f pods/s), latency p50 %.0f ms p99 %.0f"
                  + " ms, mean scheduling cycle %.0f us, %.2f ms CPU per pod%n",
              f.bound(),
              f.pods(),
              f.podsPerSecond(),
              f.createsPerSecond(),
              f.p50Millis(),
              f.p99Millis(),
              f.meanCycleMicros(),
              f.cpuMillisPerPod());
        }
      }
    }
    print(all);
    return all;
  }

  private void print(List<Figures> all) {
    out.println();
    out.printf(
        Locale.ROOT,
        "%-20s %-10s %6s %9s %9s %9s %10s %9s %10s %8s%n",
        "scenario",
        "mode",
        "nodes",
        "pods/s",
        "p50 ms",
        "p99 ms",
        "creates/s",
        "cpu ms/pod",
        "upstream",
        "ratio");
    for (Figures f : all) {
      double bar = f.nodes() == 5000 ? f.scenario().upstreamBarAt5000 : 0;
      out.printf(
          Locale.ROOT,
          "%-20s %-10s %6d %9.1f %9.0f %9.0f %10.1f %9.2f %10s %8s%n",
          f.scenario().label,
          f.mode().label,
          f.nodes(),
          f.podsPerSecond(),
          f.p50Millis(),
          f.p99Millis(),
          f.createsPerSecond(),
          f.cpuMillisPerPod(),
          bar > 0 ? String.format(Locale.ROOT, "%.0f", bar) : "-",
          bar > 0 ? String.format(Locale.ROOT, "%.2f", f.podsPerSecond() / bar) : "-");
    }
    out.println(
        "pods/s: pods bound per second from the first pod's creation (concurrent) or the"
            + " scheduler's start (preloaded) to the last binding; latency: creation (or start) to"
            + " binding; cpu ms/pod: this process's CPU time (API server, store, clients and"
            + " scheduler together) per pod.");
  }

  private Figures runOne(Scenario sc, Mode mode, int numNodes) throws Exception {
    try (TestApiServer api = TestApiServer.start()) {
      List<KubernetesClient> clients = new ArrayList<>();
      for (int i = 0; i < settings.creators(); i++) {
        clients.add(api.client());
      }
      createAll(numNodes, i -> post(clients.get(i % clients.size()), "/api/v1/nodes", node(sc, i)));
      int pods = settings.pods();
      Map<String, Long> created = new ConcurrentHashMap<>();
      Map<String, Long> bound = new ConcurrentHashMap<>();
      IndexedCreate createPod =
          i -> {
            Pod p = pod(sc, i, numNodes);
            created.put(p.getMetadata().getName(), System.nanoTime());
            post(clients.get(i % clients.size()), "/api/v1/namespaces/" + NAMESPACE + "/pods", p);
          };
      Watch watch = watchBindings(api.client(), bound);
      long createStart = System.nanoTime();
      long createEnd = 0;
      long t0 = createStart;
      if (mode == Mode.PRELOADED) {
        createEnd = createAll(pods, createPod);
      }
      KubernetesClient schedulerClient = api.client();
      try (Scheduler scheduler =
          new Scheduler(schedulerClient, SchedulerOptions.defaults().withLeaderElect(false))) {
        long cpu0 = processCpuNanos();
        if (mode == Mode.PRELOADED) {
          long start = System.nanoTime();
          created.replaceAll((k, v) -> start);
          scheduler.start();
          t0 = start;
        } else {
          scheduler.start();
          t0 = System.nanoTime();
          createStart = t0;
          createEnd = createAll(pods, createPod);
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (bound.size() < pods && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        long cpu = processCpuNanos() - cpu0;
        watch.close();
        SchedulerMetrics.Counts d = scheduler.metrics().counts();
        Histogram latency = new Histogram();
        long last = t0;
        for (Map.Entry<String, Long> e : bound.entrySet()) {
          Long c = created.get(e.getKey());
          if (c != null) {
            latency.record(e.getValue() - c);
            last = Math.max(last, e.getValue());
          }
        }
        double seconds = (last - t0) / 1e9;
        double createSeconds = (createEnd - createStart) / 1e9;
        return new Figures(
            sc,
            mode,
            numNodes,
            pods,
            bound.size(),
            seconds > 0 ? bound.size() / seconds : 0,
            createSeconds > 0 ? pods / createSeconds : 0,
            latency.percentileMillis(50),
            latency.percentileMillis(99),
            d.meanCycleMicros(),
            cpu / 1e6 / pods);
      }
    }
  }

  private static long processCpuNanos() {
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }

  private static Watch watchBindings(KubernetesClient client, Map<String, Long> bound) {
    return client
        .pods()
        .inNamespace(NAMESPACE)
        .watch(
            new Watcher<>() {
              @Override
              public void eventReceived(Action action, Pod p) {
                if (p.getSpec() != null
                    && p.getSpec().getNodeName() != null
                    && !p.getSpec().getNodeName().isEmpty()) {
                  bound.putIfAbsent(p.getMetadata().getName(), System.nanoTime());
                }
              }

              @Override
              public void onClose(WatcherException cause) {}
            });
  }

  /** Runs {@code create(i)} for {@code 0..n-1} on the creators; returns when the last is done. */
  private long createAll(int n, IndexedCreate create) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(settings.creators());
    AtomicInteger next = new AtomicInteger();
    List<Future<?>> fs = new ArrayList<>();
    for (int t = 0; t < settings.creators(); t++) {
      fs.add(
          pool.submit(
              () -> {
                for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                  create.create(i);
                }
                return null;
              }));
    }
    for (Future<?> f : fs) {
      f.get();
    }
    pool.shutdown();
    return System.nanoTime();
  }

  /**
   * Creates an object with a plain POST of its JSON. fabric8's typed {@code create()} streams the
   * body after the headers, and the second small write waits out the server's delayed ACK (about 40
   * ms a request); a body sent whole does not.
   */
  private static void post(KubernetesClient client, String path, Object obj) throws Exception {
    HttpClient http = client.getHttpClient();
    byte[] body = client.getKubernetesSerialization().asJson(obj).getBytes(StandardCharsets.UTF_8);
    HttpRequest req =
        http.newHttpRequestBuilder()
            .uri(client.getMasterUrl().toString().replaceAll("/$", "") + path)
            .post("application/json", body)
            .build();
    HttpResponse<String> resp = http.sendAsync(req, String.class).get(60, TimeUnit.SECONDS);
    if (!resp.isSuccessful()) {
      throw new IllegalStateException("POST " + path + ": HTTP " + resp.code() + " " + resp.body());
    }
  }

  @FunctionalInterface
  private interface IndexedCreate {
    void create(int i) throws Exception;
  }

  /** scheduler_perf's node-default: 4 CPUs, 32Gi, 110 pods; zones for topology spreading. */
  static Node node(Scenario sc, int i) {
    Map<String, Quantity> alloc =
        Map.of(
            "cpu", new Quantity("4"), "memory", new Quantity("32Gi"), "pods", new Quantity("110"));
    String name = "node-" + i;
    NodeBuilder b =
        new NodeBuilder()
            .withNewMetadata()
            .withName(name)
            .addToLabels("kubernetes.io/hostname", name)
            .addToLabels("topology.kubernetes.io/zone", "zone-" + (i % 3))
            .endMetadata()
            .withNewStatus()
            .withCapacity(alloc)
            .withAllocatable(alloc)
            .endStatus();
    return b.build();
  }

  /**
   * scheduler_perf's pod-default (100m CPU, 500Mi), with required anti-affinity on the host name
   * within groups small enough to fit, or a zone spread constraint (maxSkew 5, DoNotSchedule).
   */
  static Pod pod(Scenario sc, int i, int numNodes) {
    Map<String, Quantity> req =
        Map.of("cpu", new Quantity("100m"), "memory", new Quantity("500Mi"));
    PodBuilder b =
        new PodBuilder()
            .withNewMetadata()
            .withName("pod-" + i)
            .withNamespace(NAMESPACE)
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("pause")
            .withImage("registry.k8s.io/pause:3.10")
            .withNewResources()
            .withRequests(req)
            .withLimits(req)
            .endResources()
            .endContainer()
            .endSpec();
    switch (sc) {
      case BASIC -> {}
      case POD_ANTI_AFFINITY -> {
        int groupSize = Math.max(1, numNodes / 2);
        String group = "g" + (i % Math.max(1, (10_000 + groupSize - 1) / groupSize));
        b.editMetadata().addToLabels("group", group).endMetadata();
        b.editSpec()
            .withNewAffinity()
            .withNewPodAntiAffinity()
            .addNewRequiredDuringSchedulingIgnoredDuringExecution()
            .withNewLabelSelector()
            .addToMatchLabels("group", group)
            .endLabelSelector()
            .withTopologyKey("kubernetes.io/hostname")
            .endRequiredDuringSchedulingIgnoredDuringExecution()
            .endPodAntiAffinity()
            .endAffinity()
            .endSpec();
      }
      case TOPOLOGY_SPREADING -> {
        b.editMetadata().addToLabels("color", "blue").endMetadata();
        b.editSpec()
            .addNewTopologySpreadConstraint()
            .withMaxSkew(5)
            .withTopologyKey("topology.kubernetes.io/zone")
            .withWhenUnsatisfiable("DoNotSchedule")
            .withNewLabelSelector()
            .addToMatchLabels("color", "blue")
            .endLabelSelector()
            .endTopologySpreadConstraint()
            .endSpec();
      }
    }
    return b.build();
  }
}
