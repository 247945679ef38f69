package io.k8j.bench.dns;

import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.k8j.bench.FigureTable;
import io.k8j.bench.Histogram;
import io.k8j.bench.LoadAverage;
import io.k8j.dns.ClusterDns;
import io.k8j.dns.DnsOptions;
import io.k8j.testing.cluster.TestApiServer;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * Cluster DNS under load: several UDP clients, each sending its next query as soon as the last is
 * answered, ask for a Service's A record ({@code web.default.svc.cluster.local}) on a {@link
 * ClusterDns} fed by a real API server. Prints queries per second and latency percentiles, and the
 * ratio to CoreDNS's published figure for in-cluster names (~34,000 queries/s on 2 vCPUs, its
 * kubernetes plugin's benchmark). The clients run on the same machine and share its CPUs.
 */
public final class DnsBench {
  /** CoreDNS's in-cluster queries per second on 2 vCPUs. */
  public static final double COREDNS_QPS = 34_000;

  /**
   * @param clientCounts concurrent clients per round
   * @param warmup unmeasured time before each round
   * @param measure measured time per round
   */
  public record Settings(int[] clientCounts, Duration warmup, Duration measure) {
    public static Settings defaults() {
      return new Settings(new int[] {1, 4, 16}, Duration.ofSeconds(3), Duration.ofSeconds(8));
    }
  }

  private record Round(
      int clients, double qps, Histogram latency, long lost, long wrong, double serverCpuMicros) {}

  private final Settings settings;

  public DnsBench(Settings settings) {
    this.settings = settings;
  }

  public static void main(String[] args) throws Exception {
    new DnsBench(Settings.defaults()).run(System.out);
    System.exit(0);
  }

  public void run(PrintStream out) throws Exception {
    List<Round> rounds = new ArrayList<>();
    try (TestApiServer api = TestApiServer.start()) {
      KubernetesClient client = api.client();
      client
          .services()
          .resource(
              new ServiceBuilder()
                  .withNewMetadata()
                  .withNamespace("default")
                  .withName("web")
                  .endMetadata()
                  .withNewSpec()
                  .addNewPort()
                  .withName("http")
                  .withPort(80)
                  .endPort()
                  .withSelector(Map.of("app", "web"))
                  .endSpec()
                  .build())
          .create();
      try (ClusterDns dns =
          new ClusterDns(
              api.client(),
              DnsOptions.defaults()
                  .withListen(InetAddress.getLoopbackAddress(), 0)
                  .withUpstreams(List.of())
                  .withMetricsPort(0))) {
        dns.start();
        byte[] query = query("web.default.svc.cluster.local.");
        awaitAnswer(dns.address(), query);
        out.printf(
            Locale.ROOT,
            "cluster DNS on %s, %d CPUs; A web.default.svc.cluster.local, closed-loop UDP clients;"
                + " load average %s%n",
            dns.address(),
            Runtime.getRuntime().availableProcessors(),
            LoadAverage.now());
        for (int clients : settings.clientCounts()) {
          Round r = round(dns.address(), query, clients);
          rounds.add(r);
          out.printf(
              Locale.ROOT,
              "  %3d clients: %,10.0f queries/s   p50 %.3f ms   p99 %.3f ms   lost %d   wrong %d"
                  + "   server CPU %.1f us/query%n",
              clients,
              r.qps(),
              r.latency().percentileMillis(50),
              r.latency().percentileMillis(99),
              r.lost(),
              r.wrong(),
              r.serverCpuMicros());
        }
      }
    }
    out.println();
    FigureTable t = new FigureTable(List.of("k8j", "coredns"));
    Round best = rounds.stream().max((a, b) -> Double.compare(a.qps(), b.qps())).orElseThrow();
    t.define("in-cluster A queries/s (best)", "q/s", true);
    t.put("k8j", "in-cluster A queries/s (best)", best.qps());
    t.put("coredns", "in-cluster A queries/s (best)", COREDNS_QPS);
    double implied = 2e6 / best.serverCpuMicros();
    t.define("q/s implied on 2 dedicated CPUs", "q/s", true);
    t.put("k8j", "q/s implied on 2 dedicated CPUs", implied);
    t.put("coredns", "q/s implied on 2 dedicated CPUs", COREDNS_QPS);
    t.print(out);
    out.printf(
        Locale.ROOT,
        "p99 latency at the best rate (%d clients): %.3f ms%n",
        best.clients(),
        best.latency().percentileMillis(99));
    out.println("load average at the end: " + LoadAverage.now());
  }

  private Round round(InetSocketAddress server, byte[] query, int clients) throws Exception {
    AtomicBoolean measuring = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong answered = new AtomicLong();
    AtomicLong lost = new AtomicLong();
    AtomicLong wrong = new AtomicLong();
    List<Histogram> histograms = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      Histogram h = new Histogram();
      histograms.add(h);
      int seed = i;
      threads.add(
          Thread.ofPlatform()
              .name("dns-bench-client-" + i)
              .start(() -> client(server, query, seed, measuring, stop, answered, lost, wrong, h)));
    }
    Thread.sleep(settings.warmup().toMillis());
    long cpuBefore = serverCpuNanos();
    long start = System.nanoTime();
    measuring.set(true);
    Thread.sleep(settings.measure().toMillis());
    measuring.set(false);
    long elapsed = System.nanoTime() - start;
    long serverCpu = serverCpuNanos() - cpuBefore;
    stop.set(true);
    for (Thread t : threads) {
      t.join();
    }
    Histogram all = new Histogram();
    histograms.forEach(all::addAll);
    return new Round(
        clients,
        answered.get() * 1e9 / elapsed,
        all,
        lost.get(),
        wrong.get(),
        serverCpu / 1e3 / Math.max(1, answered.get()));
  }

  /**
   * CPU time of the server's UDP reader threads (user and system), where every in-cluster answer is
   * computed and sent.
   */
  private static long serverCpuNanos() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long total = 0;
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && info.getThreadName().startsWith("dns-udp-")) {
        total += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
      }
    }
    return total;
  }

  private static void client(
      InetSocketAddress server,
      byte[] template,
      int seed,
      AtomicBoolean measuring,
      AtomicBoolean stop,
      AtomicLong answered,
      AtomicLong lost,
      AtomicLong wrong,
      Histogram latency) {
    byte[] q = template.clone();
    byte[] in = new byte[512];
    int id = seed << 10;
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.connect(server);
      socket.setSoTimeout(1000);
      DatagramPacket out = new DatagramPacket(q, q.length);
      DatagramPacket response = new DatagramPacket(in, in.length);
      while (!stop.get()) {
        id = (id + 1) & 0xFFFF;
        q[0] = (byte) (id >>> 8);
        q[1] = (byte) id;
        long t0 = System.nanoTime();
        socket.send(out);
        try {
          do {
            response.setLength(in.length);
            socket.receive(response);
          } while (((in[0] & 0xFF) << 8 | (in[1] & 0xFF)) != id);
        } catch (SocketTimeoutException e) {
          if (measuring.get()) {
            lost.incrementAndGet();
          }
          continue;
        }
        if (measuring.get()) {
          latency.record(System.nanoTime() - t0);
          answered.incrementAndGet();
          // NOERROR with one answer record, or it does not count as an answer
          if ((in[3] & 0x0F) != 0 || in[6] != 0 || in[7] != 1) {
            wrong.incrementAndGet();
          }
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void awaitAnswer(InetSocketAddress server, byte[] query) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.setSoTimeout(500);
      while (System.nanoTime() < deadline) {
        socket.send(new DatagramPacket(query, query.length, server));
        byte[] in = new byte[512];
        DatagramPacket p = new DatagramPacket(in, in.length);
        try {
          socket.receive(p);
          Message m = new Message(java.util.Arrays.copyOf(in, p.getLength()));
          if (m.getRcode() == 0 && !m.getSection(1).isEmpty()) {
            return;
          }
        } catch (SocketTimeoutException e) {
          // not yet
        }
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException("cluster DNS never answered for the benchmark's Service");
  }

  private static byte[] query(String name) throws Exception {
    return Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN)).toWire();
  }
}
