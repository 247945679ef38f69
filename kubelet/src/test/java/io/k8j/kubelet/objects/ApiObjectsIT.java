package io.k8j.kubelet.objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.k8j.common.Clock;
import io.k8j.testing.cluster.TestApiServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Services a pod's environment is made of (its namespace's and default's), watched from the
 * kubelet's start on, so that the first pod does not wait for their list.
 */
class ApiObjectsIT {
  static TestApiServer api;
  static KubernetesClient client;

  @BeforeAll
  static void start() throws Exception {
    api = TestApiServer.start();
    client = api.client();
    for (String ns : List.of("objects-a", "objects-b")) {
      client
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .create();
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (api != null) {
      api.close();
    }
  }

  static Service service(String ns, String name) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withNamespace(ns)
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .addNewPort()
        .withPort(80)
        .endPort()
        .endSpec()
        .build();
  }

  static List<String> names(List<Service> services) {
    return services.stream()
        .map(s -> s.getMetadata().getNamespace() + "/" + s.getMetadata().getName())
        .toList();
  }

  @Test
  void servicesWatchedFromTheStartAreTheNamespacesAndDefaultsAndFollowChanges() {
    client.services().resource(service("objects-a", "web")).create();
    client.services().resource(service("objects-b", "other")).create();
    try (ApiObjects objects = new ApiObjects(client, Clock.SYSTEM)) {
      objects.watchServices();

      assertThat(names(objects.services("objects-a")))
          .contains("objects-a/web", "default/kubernetes")
          .doesNotContain("objects-b/other");

      client.services().resource(service("objects-a", "later")).create();
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> assertThat(names(objects.services("objects-a"))).contains("objects-a/later"));
    }
  }
}
