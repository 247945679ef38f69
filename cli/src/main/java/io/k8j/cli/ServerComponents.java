package io.k8j.cli;

import io.k8j.apiserver.ApiServer;
import io.k8j.apiserver.ApiServerOptions;
import io.k8j.store.Store;
import io.k8j.store.embedded.EmbeddedStore;
import io.k8j.store.etcd.EtcdStore;
import io.k8j.store.etcd.EtcdStoreConfig;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The parts of a running server, started in order and closed in the reverse order. */
final class ServerComponents implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServerComponents.class);
  private final Deque<AutoCloseable> started = new ArrayDeque<>();

  static ServerComponents start(ServerCommand cmd) throws Exception {
    ServerComponents c = new ServerComponents();
    try {
      Store store = c.add(openStore(cmd));
      ApiServer api =
          c.add(
              new ApiServer(
                  store,
                  ApiServerOptions.defaults(cmd.dataDir)
                      .withBindAddress(cmd.bindAddress)
                      .withPort(cmd.httpsPort)));
      api.start();
      LOG.info("API server ready at {}", api.url());
      System.out.printf(
          "%nk8j: the cluster's API server is at %s%n"
              + "k8j: to use it:  export KUBECONFIG=%s && kubectl get namespaces%n%n",
          api.url(), cmd.dataDir.resolve("admin.kubeconfig").toAbsolutePath());
      return c;
    } catch (Exception | Error e) {
      c.close();
      throw e;
    }
  }

  private static Store openStore(ServerCommand cmd) {
    if (cmd.datastoreEndpoints.isEmpty()) {
      LOG.info("store: embedded, in {}", cmd.dataDir.resolve("db").toAbsolutePath());
      return EmbeddedStore.open(cmd.dataDir.resolve("db"));
    }
    LOG.info("store: etcd at {}", cmd.datastoreEndpoints);
    return EtcdStore.connect(EtcdStoreConfig.of(cmd.datastoreEndpoints));
  }

  private <T extends AutoCloseable> T add(T component) {
    started.push(component);
    return component;
  }

  @Override
  public void close() {
    while (!started.isEmpty()) {
      AutoCloseable c = started.pop();
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("closing {} failed: {}", c.getClass().getSimpleName(), e.toString());
      }
    }
  }
}
