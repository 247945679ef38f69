package io.k8j.kubelet.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.k8j.cri.v1.KeyValue;
import io.k8j.kubelet.kuberuntime.ContainerStartException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EnvTest {
  static final ObjectSource OBJECTS =
      new ObjectSource() {
        @Override
        public Optional<ConfigMap> configMap(String ns, String name) {
          return name.equals("cfg")
              ? Optional.of(
                  new ConfigMapBuilder()
                      .withNewMetadata()
                      .withName("cfg")
                      .endMetadata()
                      .addToData("color", "blue")
                      .addToData("size", "L")
                      .build())
              : Optional.empty();
        }

        @Override
        public Optional<Secret> secret(String ns, String name) {
          return name.equals("sec")
              ? Optional.of(
                  new SecretBuilder()
                      .withNewMetadata()
                      .withName("sec")
                      .endMetadata()
                      .addToData("password", "aHVudGVyMg==")
                      .build())
              : Optional.empty();
        }

        @Override
        public List<Service> services(String ns) {
          return List.of(
              new ServiceBuilder()
                  .withNewMetadata()
                  .withName("redis-main")
                  .withNamespace("default")
                  .endMetadata()
                  .withNewSpec()
                  .withClusterIP("10.43.0.10")
                  .addNewPort()
                  .withName("tcp")
                  .withPort(6379)
                  .withProtocol("TCP")
                  .endPort()
                  .endSpec()
                  .build(),
              new ServiceBuilder()
                  .withNewMetadata()
                  .withName("headless")
                  .withNamespace("default")
                  .endMetadata()
                  .withNewSpec()
                  .withClusterIP("None")
                  .addNewPort()
                  .withPort(80)
                  .endPort()
                  .endSpec()
                  .build());
        }
      };

  final EnvResolver env =
      new EnvResolver(
          OBJECTS, () -> Map.of("cpu", new Quantity("2"), "memory", new Quantity("4Gi")));

  static Pod pod(Container c) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("web")
        .withNamespace("default")
        .withUid("u1")
        .addToLabels("app", "web")
        .endMetadata()
        .withNewSpec()
        .withNodeName("n1")
        .withContainers(c)
        .endSpec()
        .build();
  }

  Map<String, String> resolve(Container c) throws Exception {
    Map<String, String> m = new LinkedHashMap<>();
    for (KeyValue kv : env.resolve(pod(c), c, List.of("10.1.0.5"), "192.168.1.2")) {
      m.put(kv.getKey(), kv.getValue());
    }
    return m;
  }

  @Test
  void valuesSourcesAndExpansion() throws Exception {
    Container c =
        new ContainerBuilder()
            .withName("app")
            .withImage("busybox")
            .addNewEnvFrom()
            .withPrefix("CFG_")
            .withNewConfigMapRef()
            .withName("cfg")
            .endConfigMapRef()
            .endEnvFrom()
            .addNewEnv()
            .withName("GREETING")
            .withValue("hello")
            .endEnv()
            .addNewEnv()
            .withName("MSG")
            .withValue("$(GREETING) $(NOPE) $$(GREETING)")
            .endEnv()
            .addNewEnv()
            .withName("COLOR")
            .withNewValueFrom()
            .withNewConfigMapKeyRef("color", "cfg", false)
            .endValueFrom()
            .endEnv()
            .addNewEnv()
            .withName("PASSWORD")
            .withNewValueFrom()
            .withNewSecretKeyRef("password", "sec", false)
            .endValueFrom()
            .endEnv()
            .addNewEnv()
            .withName("POD_IP")
            .withNewValueFrom()
            .withNewFieldRef()
            .withFieldPath("status.podIP")
            .endFieldRef()
            .endValueFrom()
            .endEnv()
            .addNewEnv()
            .withName("APP")
            .withNewValueFrom()
            .withNewFieldRef()
            .withFieldPath("metadata.labels['app']")
            .endFieldRef()
            .endValueFrom()
            .endEnv()
            .addNewEnv()
            .withName("MEM_MI")
            .withNewValueFrom()
            .withNewResourceFieldRef()
            .withResource("limits.memory")
            .withDivisor(new Quantity("1Mi"))
            .endResourceFieldRef()
            .endValueFrom()
            .endEnv()
            .build();
    Map<String, String> m = resolve(c);
    assertThat(m).containsEntry("CFG_color", "blue").containsEntry("CFG_size", "L");
    assertThat(m).containsEntry("MSG", "hello $(NOPE) $(GREETING)");
    assertThat(m).containsEntry("COLOR", "blue").containsEntry("PASSWORD", "hunter2");
    assertThat(m).containsEntry("POD_IP", "10.1.0.5").containsEntry("APP", "web");
    assertThat(m).containsEntry("MEM_MI", "4096");
    assertThat(m)
        .containsEntry("REDIS_MAIN_SERVICE_HOST", "10.43.0.10")
        .containsEntry("REDIS_MAIN_SERVICE_PORT", "6379")
        .containsEntry("REDIS_MAIN_SERVICE_PORT_TCP", "6379")
        .containsEntry("REDIS_MAIN_PORT", "tcp://10.43.0.10:6379")
        .containsEntry("REDIS_MAIN_PORT_6379_TCP_ADDR", "10.43.0.10")
        .containsEntry("REDIS_MAIN_PORT_6379_TCP_PROTO", "tcp")
        .doesNotContainKey("HEADLESS_SERVICE_HOST");
  }

  @Test
  void aMissingConfigMapIsAConfigErrorUnlessOptional() throws Exception {
    Container missing =
        new ContainerBuilder()
            .withName("app")
            .withImage("busybox")
            .addNewEnv()
            .withName("X")
            .withNewValueFrom()
            .withNewConfigMapKeyRef("k", "nope", false)
            .endValueFrom()
            .endEnv()
            .build();
    assertThatThrownBy(() -> resolve(missing))
        .isInstanceOfSatisfying(
            ContainerStartException.class,
            e -> {
              assertThat(e.reason()).isEqualTo("CreateContainerConfigError");
              assertThat(e.getMessage()).isEqualTo("configmap \"nope\" not found");
            });
    Container badKey =
        new ContainerBuilder()
            .withName("app")
            .withImage("busybox")
            .addNewEnv()
            .withName("X")
            .withNewValueFrom()
            .withNewConfigMapKeyRef("k", "cfg", false)
            .endValueFrom()
            .endEnv()
            .build();
    assertThatThrownBy(() -> resolve(badKey))
        .hasMessage("couldn't find key k in ConfigMap default/cfg");
    Container optional =
        new ContainerBuilder()
            .withName("app")
            .withImage("busybox")
            .addNewEnv()
            .withName("X")
            .withNewValueFrom()
            .withNewConfigMapKeyRef("k", "nope", true)
            .endValueFrom()
            .endEnv()
            .build();
    assertThat(resolve(optional)).doesNotContainKey("X");
  }
}
