package io.k8j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.k8j.apiserver.auth.ClusterPki;
import io.k8j.kubelet.RuntimeKind;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Service-account tokens in a whole server (process runtime): TokenRequest, tokens that stop
 * working when their pod is deleted, the ServiceAccount admission plugin, and the kubelet's
 * projected token volume holding a token the API server accepts.
 */
class ServiceAccountTokenIT {
  static Path dir;
  static ServerComponents server;
  static KubernetesClient admin;
  static String url;
  static String caPem;

  @BeforeAll
  static void startServer() throws Exception {
    dir = Files.createTempDirectory("k8j-satoken");
    ServerCommand cmd = new ServerCommand();
    cmd.dataDir = dir.resolve("server");
    try (ServerSocket s = new ServerSocket(0)) {
      cmd.httpsPort = s.getLocalPort();
    }
    cmd.bindAddress = "127.0.0.1";
    cmd.node.nodeName = "satoken-node";
    cmd.node.runtime = RuntimeKind.PROCESS;
    cmd.node.clusterDnsPort = 0;
    cmd.node.kubeletPort = 0;
    cmd.node.disableKubeProxy = true;
    Files.createDirectories(cmd.dataDir);
    server = ServerComponents.start(cmd);
    url = "https://127.0.0.1:" + cmd.httpsPort;
    caPem = Files.readString(cmd.dataDir.resolve("pki/ca.crt"));
    admin =
        new KubernetesClientBuilder()
            .withConfig(
                Config.fromKubeconfig(Files.readString(cmd.dataDir.resolve("admin.kubeconfig"))))
            .build();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                admin.serviceAccounts().inNamespace("default").withName("default").get() != null
                    && admin.configMaps().inNamespace("default").withName("kube-root-ca.crt").get()
                        != null);
  }

  @AfterAll
  static void stop() {
    if (admin != null) {
      admin.close();
    }
    if (server != null) {
      server.close();
    }
  }

  /** The HTTP status a request with {@code token} gets: 403 once authenticated, 401 if not. */
  private static int statusWith(String token) {
    String kubeconfig = ClusterPki.kubeconfig(url, caPem, "sa", null, null, token);
    try (KubernetesClient c =
        new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig)).build()) {
      c.secrets().inNamespace("kube-system").list();
      return 200;
    } catch (KubernetesClientException e) {
      return e.getCode();
    }
  }

  private static Pod sleeper(String name, Boolean automount, String serviceAccount) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .endMetadata()
        .withNewSpec()
        .withServiceAccountName(serviceAccount)
        .withAutomountServiceAccountToken(automount)
        .withTerminationGracePeriodSeconds(0L)
        .addNewContainer()
        .withName("main")
        .withImage("busybox")
        .withCommand("sleep", "3600")
        .endContainer()
        .endSpec()
        .build();
  }

  @Test
  void aTokenBoundToAPodStopsWorkingOnceThePodIsGone() {
    Pod pod = admin.resource(sleeper("bound-to", false, null)).create();
    String token =
        admin
            .serviceAccounts()
            .inNamespace("default")
            .withName("default")
            .tokenRequest(
                new TokenRequestBuilder()
                    .withNewSpec()
                    .withExpirationSeconds(600L)
                    .withNewBoundObjectRef()
                    .withKind("Pod")
                    .withApiVersion("v1")
                    .withName("bound-to")
                    .withUid(pod.getMetadata().getUid())
                    .endBoundObjectRef()
                    .endSpec()
                    .build())
            .getStatus()
            .getToken();
    assertThat(statusWith(token)).isEqualTo(403);
    admin.pods().inNamespace("default").withName("bound-to").withGracePeriod(0).delete();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> admin.pods().inNamespace("default").withName("bound-to").get() == null);
    assertThat(statusWith(token)).isEqualTo(401);
  }

  @Test
  void aTokenOfADeletedServiceAccountStopsWorking() {
    admin
        .resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName("short-lived")
                .withNamespace("default")
                .endMetadata()
                .build())
        .create();
    String token =
        admin
            .serviceAccounts()
            .inNamespace("default")
            .withName("short-lived")
            .tokenRequest(new TokenRequestBuilder().withNewSpec().endSpec().build())
            .getStatus()
            .getToken();
    assertThat(statusWith(token)).isEqualTo(403);
    admin.serviceAccounts().inNamespace("default").withName("short-lived").delete();
    await().atMost(Duration.ofSeconds(60)).until(() -> statusWith(token) == 401);
  }

  @Test
  void aPodOfAnUnknownServiceAccountIsForbidden() {
    assertThatThrownBy(() -> admin.resource(sleeper("orphan", null, "nobody")).create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining(
            "pods \"orphan\" is forbidden: error looking up service account default/nobody:"
                + " serviceaccount \"nobody\" not found");
  }

  @Test
  void aPodGetsTheProjectedTokenVolumeUnlessItOptsOut() {
    Pod none = admin.resource(sleeper("no-token", false, null)).create();
    assertThat(none.getSpec().getServiceAccountName()).isEqualTo("default");
    assertThat(none.getSpec().getVolumes()).isEmpty();
    admin.pods().inNamespace("default").withName("no-token").withGracePeriod(0).delete();

    Pod pod = admin.resource(sleeper("with-token", null, null)).create();
    var volume = pod.getSpec().getVolumes().getFirst();
    assertThat(volume.getName()).startsWith("kube-api-access-");
    var sources = volume.getProjected().getSources();
    assertThat(sources.get(0).getServiceAccountToken().getExpirationSeconds()).isEqualTo(3607L);
    assertThat(sources.get(1).getConfigMap().getName()).isEqualTo("kube-root-ca.crt");
    assertThat(sources.get(2).getDownwardAPI().getItems().getFirst().getPath())
        .isEqualTo("namespace");
    var mount = pod.getSpec().getContainers().getFirst().getVolumeMounts().getFirst();
    assertThat(mount.getMountPath()).isEqualTo("/var/run/secrets/kubernetes.io/serviceaccount");
    assertThat(mount.getReadOnly()).isTrue();
  }

  @Test
  void theKubeletProjectsATokenTheApiServerAccepts() throws Exception {
    Pod pod = admin.resource(sleeper("token-user", null, null)).create();
    String volume = pod.getSpec().getVolumes().getFirst().getName();
    Path files =
        dir.resolve("server/agent/pods")
            .resolve(pod.getMetadata().getUid())
            .resolve("volumes/kubernetes.io~projected")
            .resolve(volume);
    await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(files.resolve("token")));
    assertThat(Files.readString(files.resolve("namespace"))).isEqualTo("default");
    assertThat(Files.readString(files.resolve("ca.crt"))).isEqualTo(caPem);
    String token = Files.readString(files.resolve("token")).strip();
    assertThat(statusWith(token)).isEqualTo(403);

    admin.pods().inNamespace("default").withName("token-user").withGracePeriod(0).delete();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> admin.pods().inNamespace("default").withName("token-user").get() == null);
    assertThat(statusWith(token)).isEqualTo(401);
  }
}
