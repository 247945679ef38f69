package io.k8j.kubelet.e2e;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.k8j.kubelet.Kubelet;
import io.k8j.kubelet.KubeletOptions;
import io.k8j.kubelet.RuntimeKind;
import io.k8j.kubelet.images.BusyboxImage;
import io.k8j.testing.cluster.TestApiServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A real API server and one kubelet on a fresh data directory, with the busybox image ({@link
 * #BUSYBOX}) in the agent's images directory and durations shortened for tests. {@link #close}
 * removes every pod's containers, stops containerd and deletes the bridge and the directory.
 */
public final class NodeFixture implements AutoCloseable {
  public static final String BUSYBOX = "busybox:1.36";

  public final TestApiServer api;
  public final KubernetesClient client;
  public final Kubectl kubectl;
  public final Path dataDir;
  public final String nodeName;
  public final String podCidr;
  public Kubelet kubelet;
  private final RuntimeKind kind;
  private final UnaryOperator<KubeletOptions.Builder> customize;

  private NodeFixture(
      RuntimeKind kind,
      String nodeName,
      String podCidr,
      UnaryOperator<KubeletOptions.Builder> customize)
      throws Exception {
    this.kind = kind;
    this.nodeName = nodeName;
    this.podCidr = podCidr;
    this.customize = customize;
    StableClasspath.preload(
        TestApiServer.class,
        io.k8j.apiserver.ApiServer.class,
        io.k8j.store.embedded.EmbeddedStore.class,
        io.k8j.store.Store.class,
        io.k8j.common.Clock.class);
    this.api = TestApiServer.start();
    this.client = api.client();
    this.kubectl = new Kubectl(api.kubeconfig());
    this.dataDir = Files.createTempDirectory("k8j-node-");
    Path images = dataDir.resolve("agent/images");
    Files.createDirectories(images);
    BusyboxImage.write(images.resolve("busybox.tar"), BUSYBOX);
  }

  public static NodeFixture start(
      RuntimeKind kind,
      String nodeName,
      String podCidr,
      UnaryOperator<KubeletOptions.Builder> customize)
      throws Exception {
    NodeFixture f = prepare(kind, nodeName, podCidr, customize);
    f.startKubelet();
    return f;
  }

  /** The API server and data directory, without a kubelet yet. */
  public static NodeFixture prepare(
      RuntimeKind kind,
      String nodeName,
      String podCidr,
      UnaryOperator<KubeletOptions.Builder> customize)
      throws Exception {
    return new NodeFixture(kind, nodeName, podCidr, customize);
  }

  public KubeletOptions options() {
    return customize
        .apply(
            KubeletOptions.builder(nodeName, dataDir)
                .runtime(kind)
                .podCidr(podCidr)
                .port(0)
                .bindAddress("127.0.0.1")
                .syncFrequency(Duration.ofSeconds(2))
                .plegRelistPeriod(Duration.ofMillis(500))
                .housekeepingPeriod(Duration.ofSeconds(1))
                .nodeStatusUpdateFrequency(Duration.ofSeconds(2))
                .crashLoopBackOff(Duration.ofSeconds(2), Duration.ofSeconds(20))
                .imagePullBackOff(Duration.ofSeconds(2), Duration.ofSeconds(20)))
        .build();
  }

  public void startKubelet() throws Exception {
    kubelet = new Kubelet(client, options());
    kubelet.start();
  }

  /** The CRI log of a pod's container instance under the data directory. */
  public Path log(String namespace, String pod, String container, int restartCount)
      throws IOException {
    Path logs = dataDir.resolve("agent/logs/pods");
    try (var dirs = Files.list(logs)) {
      Path dir =
          dirs.filter(d -> d.getFileName().toString().startsWith(namespace + "_" + pod + "_"))
              .findFirst()
              .orElseThrow(() -> new IOException("no log directory for " + pod));
      return dir.resolve(container).resolve(restartCount + ".log");
    }
  }

  /** The text a container wrote (the CRI format's content fields), "" while there is no log. */
  public String logText(String pod, String container, int restartCount) {
    try {
      Path p = log("default", pod, container, restartCount);
      if (!Files.exists(p)) {
        return "";
      }
      StringBuilder out = new StringBuilder();
      for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
        String[] f = line.split(" ", 4);
        out.append(f.length == 4 ? f[3] : "").append('\n');
      }
      return out.toString();
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() {
    try {
      for (var p : client.pods().inAnyNamespace().list().getItems()) {
        client
            .pods()
            .inNamespace(p.getMetadata().getNamespace())
            .withName(p.getMetadata().getName())
            .withGracePeriod(0)
            .delete();
      }
    } catch (RuntimeException e) {
      System.err.println("could not delete pods: " + e);
    }
    if (kubelet != null && kubelet.runtime() != null) {
      // sandboxes are stopped directly (SIGKILL), not through the pods' grace periods
      var runtime = kubelet.runtime();
      try {
        for (int round = 0; round < 3 && !runtime.listPodSandbox(null).isEmpty(); round++) {
          for (var s : runtime.listPodSandbox(null)) {
            try {
              runtime.stopPodSandbox(s.getId());
              runtime.removePodSandbox(s.getId());
            } catch (RuntimeException e) {
              System.err.println("could not remove sandbox " + s.getId() + ": " + e);
            }
          }
          Thread.sleep(500);
        }
      } catch (RuntimeException e) {
        System.err.println("could not remove sandboxes: " + e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (kubelet != null) {
      kubelet.close();
    }
    api.close();
    unmountUnder(dataDir);
    run(
        "ip",
        "link",
        "del",
        io.k8j.kubelet.network.CniNetworkConfig.forNode(nodeName, podCidr, dataDir).bridge());
    deleteTree(dataDir);
  }

  /** Unmounts whatever is still mounted under {@code dir}, deepest first. */
  static void unmountUnder(Path dir) {
    try {
      String prefix = dir.toAbsolutePath().toString();
      List<String> mounts = new java.util.ArrayList<>();
      for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
        String[] f = line.split(" ");
        if (f.length > 4 && f[4].startsWith(prefix + "/")) {
          mounts.add(f[4]);
        }
      }
      mounts.sort(Comparator.comparingInt(String::length).reversed());
      for (String m : mounts) {
        run("umount", "-l", m);
      }
    } catch (IOException e) {
      System.err.println("could not read the mount table: " + e);
    }
  }

  static void run(String... cmd) {
    try {
      Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      p.waitFor(30, TimeUnit.SECONDS);
    } catch (IOException e) {
      System.err.println(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      System.err.println("could not delete " + dir + ": " + e);
    }
  }
}
