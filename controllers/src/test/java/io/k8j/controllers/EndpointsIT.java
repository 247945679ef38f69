package io.k8j.controllers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Endpoints and EndpointSlices follow the pods of a Service as they come, go and change. */
class EndpointsIT {
  static ControllersCluster cluster;
  static KubernetesClient client;

  @BeforeAll
  static void start() {
    cluster =
        ControllersCluster.start(
            "deployment-controller",
            "replicaset-controller",
            "garbage-collector-controller",
            "endpoints-controller",
            "endpointslice-controller");
    client = cluster.client();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  static List<String> ips(List<EndpointAddress> a) {
    return a == null ? List.of() : a.stream().map(EndpointAddress::getIp).sorted().toList();
  }

  static Endpoints endpoints() {
    return client.endpoints().inNamespace("default").withName("web").get();
  }

  static List<Endpoint> sliceEndpoints() {
    return client
        .discovery()
        .v1()
        .endpointSlices()
        .inNamespace("default")
        .withLabel("kubernetes.io/service-name", "web")
        .list()
        .getItems()
        .stream()
        .flatMap(s -> s.getEndpoints().stream())
        .toList();
  }

  static List<String> readyPodIps() {
    return client.pods().inNamespace("default").withLabel("app", "web").list().getItems().stream()
        .filter(
            p -> p.getMetadata().getDeletionTimestamp() == null && p.getStatus().getPodIP() != null)
        .filter(io.k8j.controllers.shared.PodStatuses::isReady)
        .map(p -> p.getStatus().getPodIP())
        .sorted()
        .toList();
  }

  @Test
  void endpointsFollowThePodsOfTheService() {
    try (PodReadiness kubelets = new PodReadiness(client, "default", Duration.ofMillis(200))) {
      client
          .resource(
              new ServiceBuilder()
                  .withNewMetadata()
                  .withNamespace("default")
                  .withName("web")
                  .endMetadata()
                  .withNewSpec()
                  .addToSelector("app", "web")
                  .addNewPort()
                  .withName("http")
                  .withPort(80)
                  .withTargetPort(new IntOrString("http"))
                  .endPort()
                  .endSpec()
                  .build())
          .create();
      Deployment d = DeploymentIT.deployment("web", 3, "app:v1", "25%", "25%");
      d.getSpec()
          .getTemplate()
          .getSpec()
          .getContainers()
          .get(0)
          .setPorts(
              List.of(
                  new io.fabric8.kubernetes.api.model.ContainerPortBuilder()
                      .withName("http")
                      .withContainerPort(8080)
                      .build()));
      client.resource(d).create();

      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                assertThat(readyPodIps()).hasSize(3);
                Endpoints ep = endpoints();
                assertThat(ep).isNotNull();
                assertThat(ep.getSubsets())
                    .singleElement()
                    .satisfies(
                        s -> {
                          assertThat(ips(s.getAddresses())).isEqualTo(readyPodIps());
                          assertThat(s.getPorts())
                              .singleElement()
                              .satisfies(p -> assertThat(p.getPort()).isEqualTo(8080));
                        });
                assertThat(sliceEndpoints())
                    .hasSize(3)
                    .allSatisfy(e -> assertThat(e.getConditions().getReady()).isTrue());
              });

      Pod first =
          client.pods().inNamespace("default").withLabel("app", "web").list().getItems().get(0);
      client
          .pods()
          .inNamespace("default")
          .withName(first.getMetadata().getName())
          .editStatus(
              p -> {
                p.getStatus().getConditions().stream()
                    .filter(c -> c.getType().equals("Ready"))
                    .forEach(c -> c.setStatus("False"));
                return p;
              });
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                EndpointSubset s = endpoints().getSubsets().get(0);
                assertThat(ips(s.getNotReadyAddresses()))
                    .containsExactly(first.getStatus().getPodIP());
                assertThat(ips(s.getAddresses()))
                    .hasSize(2)
                    .doesNotContain(first.getStatus().getPodIP());
                assertThat(sliceEndpoints())
                    .filteredOn(e -> e.getAddresses().get(0).equals(first.getStatus().getPodIP()))
                    .singleElement()
                    .satisfies(e -> assertThat(e.getConditions().getReady()).isFalse());
              });

      client.apps().deployments().inNamespace("default").withName("web").scale(1);
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                List<EndpointSubset> subsets = endpoints().getSubsets();
                int total =
                    subsets.stream()
                        .mapToInt(
                            s ->
                                ips(s.getAddresses()).size() + ips(s.getNotReadyAddresses()).size())
                        .sum();
                assertThat(total).isEqualTo(1);
                assertThat(
                        sliceEndpoints().stream()
                            .filter(e -> !Boolean.TRUE.equals(e.getConditions().getTerminating()))
                            .count())
                    .isEqualTo(1);
              });

      client.services().inNamespace("default").withName("web").delete();
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                assertThat(endpoints()).isNull();
                List<EndpointSlice> slices =
                    client
                        .discovery()
                        .v1()
                        .endpointSlices()
                        .inNamespace("default")
                        .withLabel("kubernetes.io/service-name", "web")
                        .list()
                        .getItems();
                assertThat(slices).as("owned by the Service, collected with it").isEmpty();
              });
    }
  }
}
