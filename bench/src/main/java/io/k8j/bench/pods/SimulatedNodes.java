package io.k8j.bench.pods;

import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.k8j.kubelet.Kubelet;
import io.k8j.kubelet.KubeletOptions;
import io.k8j.kubelet.RuntimeKind;
import io.k8j.testing.cluster.TestApiServer;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * Part two of {@code k8j bench pods}: simulated nodes (kwok-like kubelets on the simulated runtime)
 * and one API server in one JVM, step by step: the time for all nodes to start and all pods to be
 * Running as a watch sees them, then the JVM's CPU over a steady-state window, its heap after a GC
 * and its threads.
 */
final class SimulatedNodes {
  private static final int CONCURRENCY = 16;

  private final Path workDir;
  private final PrintStream out;
  private final int steadySeconds;
  private final String namespace;
  private final BiFunction<String, String, Pod> pod;

  /**
   * @param pod makes the pod of a name bound to a node
   */
  SimulatedNodes(
      Path workDir,
      PrintStream out,
      int steadySeconds,
      String namespace,
      BiFunction<String, String, Pod> pod) {
    this.workDir = workDir;
    this.out = out;
    this.steadySeconds = steadySeconds;
    this.namespace = namespace;
    this.pod = pod;
  }

  void run(List<int[]> steps) throws Exception {
    if (steps.isEmpty()) {
      return;
    }
    out.println();
    out.println("simulated nodes and pods in one JVM (API server in the same JVM)");
    out.printf(
        Locale.ROOT,
        "%-7s %-7s %12s %14s %10s %12s %14s %12s %10s%n",
        "nodes",
        "pods",
        "nodes ready",
        "pods running",
        "pods/s",
        "heap MiB",
        "steady CPU %",
        "threads",
        "load avg");
    for (int[] step : steps) {
      if (!step(step[0], step[1])) {
        out.println("stopped: the step did not converge");
        break;
      }
    }
  }

  private static String nodeName(int i) {
    return String.format(Locale.ROOT, "sim-%04d", i);
  }

  private boolean step(int nodes, int pods) throws Exception {
    Path dir = Files.createTempDirectory(workDir, "sim-bench-");
    List<Kubelet> kubelets = new ArrayList<>();
    try (TestApiServer api = TestApiServer.start()) {
      try {
        KubernetesClient client = api.client();
        PodStartupBench.namespace(client);
        long t0 = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
          Semaphore starting = new Semaphore(CONCURRENCY);
          for (int i = 0; i < nodes; i++) {
            Kubelet k =
                new Kubelet(
                    client,
                    KubeletOptions.builder(nodeName(i), dir.resolve("n" + i))
                        .runtime(RuntimeKind.SIMULATED)
                        .podCidr(
                            String.format(Locale.ROOT, "10.%d.%d.0/24", 100 + i / 256, i % 256))
                        .nodeIp(String.format(Locale.ROOT, "10.250.%d.%d", i / 250, 1 + i % 250))
                        .port(-1)
                        .maxPods(Math.max(110, pods / nodes + 10))
                        .build());
            kubelets.add(k);
            starting.acquire();
            pool.submit(
                () -> {
                  try {
                    k.start();
                  } finally {
                    starting.release();
                  }
                  return null;
                });
          }
        }
        awaitNodesReady(client, nodes);
        double nodesMillis = (System.nanoTime() - t0) / 1e6;
        boolean converged;
        double podsMillis;
        try (RunningPods running = new RunningPods(client, namespace, pods)) {
          running.start();
          long t1 = System.nanoTime();
          try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Semaphore inFlight = new Semaphore(CONCURRENCY);
            for (int i = 0; i < pods; i++) {
              Pod p = pod.apply("sim-pod-" + i, nodeName(i % nodes));
              inFlight.acquire();
              pool.submit(
                  () -> {
                    try {
                      client.pods().inNamespace(namespace).resource(p).create();
                    } finally {
                      inFlight.release();
                    }
                    return null;
                  });
            }
          }
          converged = running.await(Duration.ofMinutes(15));
          podsMillis = (System.nanoTime() - t1) / 1e6;
          if (!converged) {
            out.println("  (" + running.count() + " of " + pods + " Running)");
          }
        }
        var os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long w0 = System.nanoTime();
        Thread.sleep(Duration.ofSeconds(steadySeconds));
        double cpuPercent =
            100.0 * (os.getProcessCpuTime() - cpu0) / (double) (System.nanoTime() - w0);
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
        int threads = ManagementFactory.getThreadMXBean().getThreadCount();
        out.printf(
            Locale.ROOT,
            "%-7d %-7d %10.1f s %12.1f s %10.0f %12d %14.0f %12d %10.1f%n",
            nodes,
            pods,
            nodesMillis / 1000,
            podsMillis / 1000,
            pods / (podsMillis / 1000),
            heap,
            cpuPercent,
            threads,
            os.getSystemLoadAverage());
        return converged;
      } finally {
        // the kubelets stop before the API server and its clients go
        closeAll(kubelets);
      }
    } finally {
      PodStartupBench.deleteTree(dir);
    }
  }

  private static void closeAll(List<Kubelet> kubelets) {
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (Kubelet k : kubelets) {
        pool.submit(k::close);
      }
    }
  }

  /** Waits (up to 10 minutes) until the API server has {@code nodes} Nodes whose Ready is True. */
  private static void awaitNodesReady(KubernetesClient client, int nodes)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    while (System.nanoTime() < deadline) {
      long ready =
          client.nodes().list().getItems().stream()
              .filter(
                  n ->
                      n.getStatus() != null
                          && n.getStatus().getConditions() != null
                          && n.getStatus().getConditions().stream()
                              .anyMatch(
                                  c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())))
              .count();
      if (ready >= nodes) {
        return;
      }
      Thread.sleep(200);
    }
  }

  /**
   * The pods of a namespace seen Running: a list in pages, then a watch from its revision, again
   * when the server ends the watch with 410 Gone (a watcher that fell behind is dropped).
   */
  private static final class RunningPods implements AutoCloseable {
    private final KubernetesClient client;
    private final String namespace;
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final CountDownLatch all;
    private volatile Watch watch;
    private volatile boolean closed;

    RunningPods(KubernetesClient client, String namespace, int expected) {
      this.client = client;
      this.namespace = namespace;
      this.all = new CountDownLatch(expected);
    }

    void start() {
      String rv = null;
      String token = null;
      do {
        PodList page =
            client
                .pods()
                .inNamespace(namespace)
                .list(new ListOptionsBuilder().withLimit(500L).withContinue(token).build());
        if (rv == null) {
          rv = page.getMetadata().getResourceVersion();
        }
        page.getItems().forEach(this::seen);
        token = page.getMetadata().getContinue();
      } while (token != null && !token.isEmpty());
      watch =
          client
              .pods()
              .inNamespace(namespace)
              .watch(
                  new ListOptionsBuilder().withResourceVersion(rv).build(),
                  new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, Pod p) {
                      seen(p);
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                      if (!closed) {
                        Thread.ofVirtual().start(RunningPods.this::start);
                      }
                    }
                  });
    }

    private void seen(Pod p) {
      if (p.getStatus() != null
          && "Running".equals(p.getStatus().getPhase())
          && running.add(p.getMetadata().getName())) {
        all.countDown();
      }
    }

    boolean await(Duration timeout) throws InterruptedException {
      return all.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    int count() {
      return running.size();
    }

    @Override
    public void close() {
      closed = true;
      Watch w = watch;
      if (w != null) {
        w.close();
      }
    }
  }
}
