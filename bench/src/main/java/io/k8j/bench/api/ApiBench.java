package io.k8j.bench.api;

import io.k8j.bench.Histogram;
import io.k8j.testing.cluster.TestApiServer;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * {@code k8j bench api}: the API server over HTTPS (HTTP/2, as client-go speaks it) on the embedded
 * store, in one run: create throughput with 1, 16 and 64 clients; create, get, list-500 and
 * list-all latency with 10,000 pods stored; watch fan-out to 1,000 watchers at 100 writes/s; and
 * vcluster's "intensive" load test (kube-burner creating 5,000 secrets at 200 requests/s), followed
 * by a mixed read/write load at the same rate.
 */
public final class ApiBench {
  /** What to run; {@link #defaults()} is what the issue asks for. */
  public record Settings(
      int[] createClients,
      int createsPerPhase,
      int pods,
      int gets,
      int listRuns,
      int watchers,
      int watchWritesPerSecond,
      Duration watchPhase,
      int secrets,
      int qps,
      Duration mixedPhase) {
    public static Settings defaults() {
      return new Settings(
          new int[] {1, 16, 64},
          2000,
          10_000,
          5000,
          20,
          1000,
          100,
          Duration.ofSeconds(20),
          5000,
          200,
          Duration.ofSeconds(30));
    }

    /** A run small enough for a smoke test. */
    public static Settings quick() {
      return new Settings(
          new int[] {1, 4},
          50,
          300,
          100,
          3,
          20,
          20,
          Duration.ofSeconds(2),
          100,
          50,
          Duration.ofSeconds(2));
    }
  }

  private static final String NS = "default";
  private static final Pattern STAMP = Pattern.compile("\"bench/t\":\"(\\d+)\"");

  private final Settings settings;
  private final PrintStream out;
  private HttpClient[] http;
  private SSLContext ssl;
  private String server;
  private String token;

  public ApiBench(Settings settings, PrintStream out) {
    this.settings = settings;
    this.out = out;
  }

  public void run() throws Exception {
    try (TestApiServer api = TestApiServer.start()) {
      connect(api);
      out.printf(
          Locale.ROOT,
          "k8j bench api: API server %s on the embedded store (%s), %d cores%n%n",
          server,
          api.dataDir(),
          Runtime.getRuntime().availableProcessors());
      createPhases();
      readPhases();
      watchPhase();
      vclusterPhase();
    }
  }

  private void connect(TestApiServer api) throws Exception {
    String cfg = Files.readString(api.kubeconfig());
    server = find(cfg, "server: (\\S+)");
    token = find(cfg, "token: (\\S+)");
    byte[] ca = Base64.getDecoder().decode(find(cfg, "certificate-authority-data: (\\S+)"));
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry(
        "ca",
        CertificateFactory.getInstance("X.509")
            .generateCertificate(new java.io.ByteArrayInputStream(ca)));
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    // several connections, as several clients would have; HTTP/2 streams multiplex within each
    this.ssl = ssl;
    http = new HttpClient[16];
    for (int i = 0; i < http.length; i++) {
      http[i] = newClient();
    }
  }

  private HttpClient newClient() {
    return HttpClient.newBuilder()
        .sslContext(ssl)
        .version(HttpClient.Version.HTTP_2)
        .connectTimeout(Duration.ofSeconds(10))
        .executor(Executors.newVirtualThreadPerTaskExecutor())
        .build();
  }

  private static String find(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    if (!m.find()) {
      throw new IllegalStateException("no " + regex + " in the kubeconfig");
    }
    return m.group(1);
  }

  // ---- phases ----

  private void createPhases() throws Exception {
    out.println("create throughput (pods, each client one request at a time)");
    out.printf(Locale.ROOT, "%-10s %10s %12s %12s%n", "clients", "creates/s", "p50 ms", "p99 ms");
    AtomicInteger next = new AtomicInteger();
    Histogram all = new Histogram();
    for (int clients : settings.createClients()) {
      Histogram h = new Histogram();
      long t0 = System.nanoTime();
      closedLoop(clients, settings.createsPerPhase(), i -> create(next.getAndIncrement(), h));
      double seconds = (System.nanoTime() - t0) / 1e9;
      all.addAll(h);
      out.printf(
          Locale.ROOT,
          "%-10d %10.0f %12.2f %12.2f%n",
          clients,
          settings.createsPerPhase() / seconds,
          h.percentileMillis(50),
          h.percentileMillis(99));
    }
    int remaining = settings.pods() - next.get();
    if (remaining > 0) {
      out.printf(Locale.ROOT, "(filling up to %,d pods)%n", settings.pods());
      closedLoop(64, remaining, i -> create(next.getAndIncrement(), new Histogram()));
    }
    out.println();
  }

  private void readPhases() throws Exception {
    int pods = Math.max(settings.pods(), 1);
    Histogram get = new Histogram();
    closedLoop(
        16,
        settings.gets(),
        i -> {
          String name = podName(ThreadLocalRandom.current().nextInt(pods));
          timed(get, request("/api/v1/namespaces/" + NS + "/pods/" + name).GET(), 200);
        });
    Histogram list500 = new Histogram();
    Histogram listAllStore = new Histogram();
    Histogram listAllCache = new Histogram();
    for (int i = 0; i < settings.listRuns(); i++) {
      timed(list500, request("/api/v1/namespaces/" + NS + "/pods?limit=500").GET(), 200);
      timed(listAllStore, request("/api/v1/pods").GET(), 200);
      timed(listAllCache, request("/api/v1/pods?resourceVersion=0").GET(), 200);
    }
    Histogram create = new Histogram();
    AtomicInteger extra = new AtomicInteger(settings.pods());
    closedLoop(16, settings.gets() / 5, i -> create(extra.getAndIncrement(), create));
    out.printf(Locale.ROOT, "latency with %,d pods stored%n", settings.pods());
    out.printf(Locale.ROOT, "%-44s %10s %10s %10s%n", "request", "p50 ms", "p99 ms", "n");
    row("create (16 clients)", create);
    row("get (16 clients)", get);
    row("list, limit=500 (one namespace)", list500);
    row("list all, consistent read (from the store)", listAllStore);
    row("list all, resourceVersion=0 (watch cache)", listAllCache);
    out.println(
        "target: list-all of 10,000 pods under 1 s: "
            + verdict(listAllStore.percentileMillis(99) < 1000));
    out.println();
  }

  private void watchPhase() throws Exception {
    String cm = "/api/v1/namespaces/" + NS + "/configmaps";
    send(request(cm).POST(body(configMap("tick", 0))), 201);
    Histogram delivery = new Histogram();
    AtomicLong received = new AtomicLong();
    int watchers = settings.watchers();
    CountDownLatch started = new CountDownLatch(watchers);
    List<Thread> streams = new ArrayList<>();
    List<java.io.InputStream> bodies = new java.util.concurrent.CopyOnWriteArrayList<>();
    // at most 50 watches share a connection, as informers of many clients would
    HttpClient[] watchClients = new HttpClient[(watchers + 49) / 50];
    for (int i = 0; i < watchClients.length; i++) {
      watchClients[i] = newClient();
    }
    AtomicInteger failedWatches = new AtomicInteger();
    for (int w = 0; w < watchers; w++) {
      HttpRequest req =
          request(cm + "?watch=true&fieldSelector=metadata.name%3Dtick&resourceVersion=0")
              .timeout(Duration.ofMinutes(30))
              .GET()
              .build();
      HttpClient client = watchClients[w % watchClients.length];
      streams.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    boolean running = false;
                    try {
                      HttpResponse<java.io.InputStream> r =
                          client.send(req, HttpResponse.BodyHandlers.ofInputStream());
                      bodies.add(r.body());
                      running = true;
                      started.countDown();
                      java.io.BufferedReader in =
                          new java.io.BufferedReader(
                              new java.io.InputStreamReader(r.body(), StandardCharsets.UTF_8));
                      for (String line = in.readLine(); line != null; line = in.readLine()) {
                        long now = System.nanoTime();
                        Matcher m = STAMP.matcher(line);
                        if (m.find()) {
                          long sent = Long.parseLong(m.group(1));
                          if (sent > 0) {
                            delivery.record(now - sent);
                            received.incrementAndGet();
                          }
                        }
                      }
                    } catch (Exception e) {
                      if (!running) {
                        failedWatches.incrementAndGet();
                        started.countDown();
                      }
                    }
                  }));
    }
    if (!started.await(2, TimeUnit.MINUTES)) {
      throw new IllegalStateException(
          "only " + (watchers - started.getCount()) + " of " + watchers + " watches started");
    }
    Thread.sleep(1000);
    long writes = (long) settings.watchWritesPerSecond() * settings.watchPhase().toSeconds();
    long interval = 1_000_000_000L / settings.watchWritesPerSecond();
    long t0 = System.nanoTime();
    for (long i = 0; i < writes; i++) {
      long due = t0 + i * interval;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      String patch = "{\"metadata\":{\"annotations\":{\"bench/t\":\"" + System.nanoTime() + "\"}}}";
      send(
          request(cm + "/tick")
              .setHeader("Content-Type", "application/merge-patch+json")
              .method("PATCH", HttpRequest.BodyPublishers.ofString(patch)),
          200);
    }
    long expected = writes * watchers;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (received.get() < expected && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    for (java.io.InputStream b : bodies) {
      try {
        b.close();
      } catch (java.io.IOException e) {
        // closing a watch that has ended already
      }
    }
    streams.forEach(Thread::interrupt);
    out.printf(
        Locale.ROOT,
        "watch fan-out: %d watchers (%d failed to start), %d writes/s for %d s: %,d of %,d"
            + " events delivered, p50 %.2f ms, p99 %.2f ms (write sent -> event read by the"
            + " client)%n%n",
        watchers,
        failedWatches.get(),
        settings.watchWritesPerSecond(),
        settings.watchPhase().toSeconds(),
        received.get(),
        expected,
        delivery.percentileMillis(50),
        delivery.percentileMillis(99));
  }

  private void vclusterPhase() throws Exception {
    send(request("/api/v1/namespaces").POST(body(namespace("load"))), 201);
    String secrets = "/api/v1/namespaces/load/secrets";
    Histogram creates = new Histogram();
    AtomicInteger failures = new AtomicInteger();
    openLoop(
        settings.qps(),
        settings.secrets(),
        (i, h) -> request(secrets).POST(body(secret("s-" + i, i))),
        201,
        creates,
        failures);
    out.printf(
        Locale.ROOT,
        "vcluster intensive load: %,d secrets created at %d requests/s (kube-burner style)%n",
        settings.secrets(),
        settings.qps());
    loadRow(creates, failures.get());
    Histogram mixed = new Histogram();
    AtomicInteger mixedFailures = new AtomicInteger();
    int n = (int) (settings.qps() * settings.mixedPhase().toSeconds());
    int count = settings.secrets();
    openLoop(
        settings.qps(),
        n,
        (i, h) -> {
          int pick = ThreadLocalRandom.current().nextInt(100);
          String name = "s-" + ThreadLocalRandom.current().nextInt(count);
          if (pick < 60) {
            return request(secrets + "/" + name).GET();
          } else if (pick < 85) {
            String patch =
                "{\"metadata\":{\"labels\":{\"round\":\""
                    + i
                    + "\"}},\"stringData\":{\"v\":\""
                    + i
                    + "\"}}";
            return request(secrets + "/" + name)
                .setHeader("Content-Type", "application/merge-patch+json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(patch));
          } else {
            return request(secrets + "?limit=500").GET();
          }
        },
        200,
        mixed,
        mixedFailures);
    out.printf(
        Locale.ROOT,
        "then %d s of mixed load at %d requests/s over those secrets (60%% get, 25%% patch,"
            + " 15%% list limit=500)%n",
        settings.mixedPhase().toSeconds(),
        settings.qps());
    loadRow(mixed, mixedFailures.get());
    out.println(
        "upstream Kubernetes averaged about 0.15 s and k3s on SQLite about 1.4 s on vcluster's"
            + " intensive test; target: average under 0.05 s and p99 under 0.2 s");
  }

  // ---- load shapes ----

  private interface Task {
    void run(int i) throws Exception;
  }

  private interface RequestMaker {
    HttpRequest.Builder make(int i, Histogram h);
  }

  /** {@code clients} workers, each one request at a time, until {@code total} are done. */
  private static void closedLoop(int clients, int total, Task task) throws Exception {
    AtomicInteger next = new AtomicInteger();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<java.util.concurrent.Future<?>> workers = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        workers.add(
            pool.submit(
                () -> {
                  for (int i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
                    task.run(i);
                  }
                  return null;
                }));
      }
      for (var w : workers) {
        w.get();
      }
    }
  }

  /**
   * Requests sent at a fixed rate whatever the server's speed (as kube-burner's QPS), each one's
   * latency counted from when it was due, so a slow server cannot hide its queueing.
   */
  private void openLoop(
      int qps,
      int total,
      RequestMaker maker,
      int expectedCode,
      Histogram latency,
      AtomicInteger failures)
      throws Exception {
    long interval = 1_000_000_000L / qps;
    long t0 = System.nanoTime();
    List<CompletableFuture<?>> inFlight = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      long due = t0 + i * interval;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      HttpRequest req = maker.make(i, latency).build();
      inFlight.add(
          http[i % http.length]
              .sendAsync(req, HttpResponse.BodyHandlers.ofByteArray())
              .whenComplete(
                  (r, e) -> {
                    latency.record(System.nanoTime() - due);
                    if (e != null || r.statusCode() != expectedCode) {
                      failures.incrementAndGet();
                    }
                  }));
    }
    CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new))
        .handle((v, e) -> null)
        .get(5, TimeUnit.MINUTES);
  }

  // ---- requests ----

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(server + path))
        .header("Authorization", "Bearer " + token)
        .header("Accept", "application/json")
        .header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(60));
  }

  private static HttpRequest.BodyPublisher body(String json) {
    return HttpRequest.BodyPublishers.ofString(json);
  }

  private void create(int i, Histogram h) throws Exception {
    timed(h, request("/api/v1/namespaces/" + NS + "/pods").POST(body(pod(i))), 201);
  }

  private void timed(Histogram h, HttpRequest.Builder req, int expected) throws Exception {
    long t = System.nanoTime();
    send(req, expected);
    h.record(System.nanoTime() - t);
  }

  private void send(HttpRequest.Builder req, int expected) throws Exception {
    HttpRequest built = req.build();
    HttpResponse<byte[]> r =
        http[ThreadLocalRandom.current().nextInt(http.length)].send(
            built, HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != expected) {
      throw new IllegalStateException(
          built.method()
              + " "
              + built.uri().getPath()
              + " answered "
              + r.statusCode()
              + ": "
              + new String(r.body(), StandardCharsets.UTF_8));
    }
  }

  private static String podName(int i) {
    return "bench-" + i;
  }

  private static String pod(int i) {
    return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\""
        + podName(i)
        + "\",\"labels\":{\"app\":\"bench\",\"shard\":\""
        + (i % 10)
        + "\"}},\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"busybox:1.35\","
        + "\"command\":[\"httpd\",\"-f\",\"-p\",\"8080\"],\"ports\":[{\"containerPort\":8080}],"
        + "\"resources\":{\"requests\":{\"cpu\":\"10m\",\"memory\":\"16Mi\"}}}]}}";
  }

  private static String configMap(String name, long stamp) {
    return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\""
        + name
        + "\",\"annotations\":{\"bench/t\":\""
        + stamp
        + "\"}},\"data\":{\"k\":\"v\"}}";
  }

  private static String namespace(String name) {
    return "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\""
        + name
        + "\"}}";
  }

  private static String secret(String name, int i) {
    return "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\""
        + name
        + "\"},\"stringData\":{\"user\":\"u"
        + i
        + "\",\"password\":\"p-"
        + Long.toHexString(ThreadLocalRandom.current().nextLong())
        + "\"}}";
  }

  // ---- output ----

  private void row(String what, Histogram h) {
    out.printf(
        Locale.ROOT,
        "%-44s %10.2f %10.2f %10d%n",
        what,
        h.percentileMillis(50),
        h.percentileMillis(99),
        h.count());
  }

  private void loadRow(Histogram h, int failures) {
    out.printf(
        Locale.ROOT,
        "  %d requests: average %.3f s, p50 %.3f s, p99 %.3f s, failed %d: average %s, p99 %s%n",
        h.count(),
        h.meanMillis() / 1000,
        h.percentileMillis(50) / 1000,
        h.percentileMillis(99) / 1000,
        failures,
        verdict(h.meanMillis() < 50),
        verdict(h.percentileMillis(99) < 200));
  }

  private static String verdict(boolean ok) {
    return ok ? "met" : "MISSED";
  }
}
