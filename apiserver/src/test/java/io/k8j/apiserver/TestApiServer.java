package io.k8j.apiserver;

import io.k8j.store.embedded.EmbeddedStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An API server on an embedded store in a temporary directory, on a free port, for tests; {@link
 * #main} runs one on 6443 (or the port given) for trying kubectl by hand.
 */
public final class TestApiServer implements AutoCloseable {
  private final EmbeddedStore store;
  private final ApiServer server;
  private final Path dataDir;

  public TestApiServer(Path dataDir, int port) throws Exception {
    this(ApiServerOptions.defaults(dataDir).withPort(port).withBindAddress("127.0.0.1"));
  }

  public TestApiServer(ApiServerOptions options) throws Exception {
    this.dataDir = options.dataDir();
    this.store = EmbeddedStore.open(dataDir.resolve("store"));
    this.server = new ApiServer(store, options);
    server.start();
  }

  public static TestApiServer start() throws Exception {
    return new TestApiServer(Files.createTempDirectory("k8j-apiserver"), 0);
  }

  public ApiServer server() {
    return server;
  }

  public EmbeddedStore store() {
    return store;
  }

  public Path kubeconfig() {
    return dataDir.resolve("admin.kubeconfig");
  }

  @Override
  public void close() throws Exception {
    server.close();
    store.close();
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : "/tmp/k8j-dev");
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 6443;
    Files.createDirectories(dir);
    try (TestApiServer s = new TestApiServer(dir, port)) {
      System.out.println("kubectl --kubeconfig " + s.kubeconfig());
      Thread.currentThread().join();
    }
  }
}
