package io.k8j.testing.cluster;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.k8j.apiserver.ApiServer;
import io.k8j.apiserver.ApiServerOptions;
import io.k8j.store.embedded.EmbeddedStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A real API server on a real embedded store, in this JVM, on a free loopback port, with its data
 * in a fresh temporary directory. For integration tests of the components that are clients of the
 * API server (controllers, scheduler, kubelet):
 *
 * <pre>{@code
 * try (TestApiServer api = TestApiServer.start()) {
 *   KubernetesClient client = api.client();
 *   ...
 * }
 * }</pre>
 */
public final class TestApiServer implements AutoCloseable {
  private final Path dataDir;
  private final EmbeddedStore store;
  private final ApiServer server;
  private final List<KubernetesClient> clients = new ArrayList<>();
  private KubernetesClient metricsClient;

  private TestApiServer(Path dataDir, EmbeddedStore store, ApiServer server) {
    this.dataDir = dataDir;
    this.store = store;
    this.server = server;
  }

  public static TestApiServer start() {
    try {
      Path dir = Files.createTempDirectory("k8j-test-apiserver-");
      EmbeddedStore store = EmbeddedStore.open(dir.resolve("db"));
      ApiServer server =
          new ApiServer(
              store, ApiServerOptions.defaults(dir).withBindAddress("127.0.0.1").withPort(0));
      server.start();
      return new TestApiServer(dir, store, server);
    } catch (Exception e) {
      throw new IllegalStateException("could not start a test API server: " + e.getMessage(), e);
    }
  }

  /** The API server's URL, {@code https://127.0.0.1:<port>}. */
  public String url() {
    return server.url();
  }

  public ApiServer server() {
    return server;
  }

  /** The admin kubeconfig, for the real kubectl ({@code --kubeconfig}) or any client. */
  public Path kubeconfig() {
    return dataDir.resolve("admin.kubeconfig");
  }

  public Path dataDir() {
    return dataDir;
  }

  /** A new fabric8 client with the admin's credentials; closed with this server. */
  public synchronized KubernetesClient client() {
    try {
      Config config = Config.fromKubeconfig(Files.readString(kubeconfig()));
      // a loaded test machine can take longer than fabric8's 10 s to accept a connection
      config.setConnectionTimeout(60_000);
      config.setRequestTimeout(60_000);
      KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
      clients.add(client);
      return client;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * How many requests of a resource and verb (e.g. {@code "pods", "get"}) the server answered so
   * far, whatever their code, from its {@code apiserver_request_total} metric.
   */
  public long requests(String resource, String verb) {
    KubernetesClient c;
    synchronized (this) {
      if (metricsClient == null) {
        metricsClient = client();
      }
      c = metricsClient;
    }
    String counter = "apiserver_request_total{";
    long total = 0;
    for (String line : c.raw("/metrics").split("\n")) {
      if (line.startsWith(counter)
          && line.contains("resource=\"" + resource + "\"")
          && line.contains("verb=\"" + verb + "\"")) {
        total += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  @Override
  public synchronized void close() {
    clients.forEach(KubernetesClient::close);
    try {
      server.close();
    } catch (Exception e) {
      throw new IllegalStateException("closing the test API server failed", e);
    } finally {
      store.close();
      deleteTree(dataDir);
    }
  }

  private static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
