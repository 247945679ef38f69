package io.k8j.controllers;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.k8j.testing.cluster.TestApiServer;
import java.util.Set;

/**
 * An API server and a controller manager running just the named controllers (no leader election),
 * for the integration tests of a few controllers working together.
 */
final class ControllersCluster implements AutoCloseable {
  private final TestApiServer api;
  private final ControllerManager manager;

  private ControllersCluster(TestApiServer api, ControllerManager manager) {
    this.api = api;
    this.manager = manager;
  }

  static ControllersCluster start(String... controllers) {
    TestApiServer api = TestApiServer.start();
    ControllerManager manager =
        new ControllerManager(
            api.client(),
            ControllerManagerOptions.defaults().toBuilder()
                .leaderElect(false)
                .controllers(Set.of(controllers))
                .build());
    manager.start();
    return new ControllersCluster(api, manager);
  }

  TestApiServer api() {
    return api;
  }

  KubernetesClient client() {
    return api.client();
  }

  @Override
  public void close() {
    manager.close();
    api.close();
  }
}
