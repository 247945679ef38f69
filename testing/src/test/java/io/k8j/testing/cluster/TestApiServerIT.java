package io.k8j.testing.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;

class TestApiServerIT {
  @Test
  void aClientWritesAndReadsThroughTheServer() {
    try (TestApiServer api = TestApiServer.start()) {
      KubernetesClient client = api.client();
      client
          .configMaps()
          .inNamespace("default")
          .resource(
              new ConfigMapBuilder()
                  .withNewMetadata()
                  .withName("settings")
                  .endMetadata()
                  .addToData("mode", "fast")
                  .build())
          .create();
      assertThat(client.configMaps().inNamespace("default").withName("settings").get().getData())
          .containsEntry("mode", "fast");
      assertThat(client.namespaces().list().getItems())
          .extracting(ns -> ns.getMetadata().getName())
          .contains("default", "kube-system", "kube-public", "kube-node-lease");
    }
  }
}
