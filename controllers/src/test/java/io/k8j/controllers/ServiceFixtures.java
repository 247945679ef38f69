package io.k8j.controllers;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import java.util.Map;

/** Services and the pods behind them, for the endpoints controllers' tests. */
public final class ServiceFixtures {
  private ServiceFixtures() {}

  /** A Service selecting app=web with port "http" 80 -> target port (a number or a name). */
  public static Service service(String name, String targetPort) {
    IntOrString target =
        targetPort.chars().allMatch(Character::isDigit)
            ? new IntOrString(Integer.parseInt(targetPort))
            : new IntOrString(targetPort);
    return new ServiceBuilder()
        .withNewMetadata()
        .withNamespace("default")
        .withName(name)
        .withUid("uid-svc-" + name)
        .withLabels(Map.of("team", "a"))
        .endMetadata()
        .withNewSpec()
        .withClusterIP("10.43.0.10")
        .withSelector(Map.of("app", "web"))
        .withPorts(
            new ServicePortBuilder()
                .withName("http")
                .withPort(80)
                .withProtocol("TCP")
                .withTargetPort(target)
                .build())
        .endSpec()
        .build();
  }

  /** A pod of app=web with an IP, a container port named "http" on {@code httpPort}. */
  public static Pod pod(String name, String ip, boolean ready, int httpPort) {
    Pod p =
        new PodBuilder()
            .withNewMetadata()
            .withNamespace("default")
            .withName(name)
            .withUid("uid-" + name)
            .withResourceVersion("1")
            .withLabels(Map.of("app", "web"))
            .endMetadata()
            .withNewSpec()
            .withNodeName("n1")
            .addNewContainer()
            .withName("app")
            .withImage("app:v1")
            .addNewPort()
            .withName("http")
            .withContainerPort(httpPort)
            .withProtocol("TCP")
            .endPort()
            .endContainer()
            .endSpec()
            .withNewStatus()
            .withPhase("Running")
            .withPodIP(ip)
            .addNewCondition()
            .withType("Ready")
            .withStatus(ready ? "True" : "False")
            .endCondition()
            .endStatus()
            .build();
    return p;
  }
}
