package io.k8j.proxy.userspace;

import static io.k8j.proxy.testing.Backends.get;
import static io.k8j.proxy.testing.Backends.udp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.k8j.proxy.ProxyMode;
import io.k8j.proxy.ProxyOptions;
import io.k8j.proxy.ServiceProxy;
import io.k8j.proxy.testing.Backends;
import io.k8j.proxy.testing.Services;
import io.k8j.testing.cluster.TestApiServer;
import java.net.DatagramSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The userspace proxy on loopback against a real API server: two "pods" (HTTP servers and UDP
 * echoes on 127.0.0.2 and 127.0.0.3), node ports on 127.0.0.1, cluster-IP stand-ins on 127.8.0.1.
 */
class UserspaceProxyIT {
  static final String NS = "default";
  static final String CLUSTER_ADDR = "127.8.0.1";
  static TestApiServer api;
  static KubernetesClient client;
  static ServiceProxy proxy;
  static int backendPort;
  static final List<HttpServer> http = new ArrayList<>();
  static final List<DatagramSocket> udp = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    api = TestApiServer.start();
    client = api.client();
    backendPort = Backends.freePort("127.0.0.2", "127.0.0.3");
    http.add(Backends.http("127.0.0.2", backendPort, "a"));
    http.add(Backends.http("127.0.0.3", backendPort, "b"));
    udp.add(Backends.udpEcho("127.0.0.2", backendPort, "a"));
    udp.add(Backends.udpEcho("127.0.0.3", backendPort, "b"));
    proxy =
        new ServiceProxy(
            client,
            ProxyOptions.defaults("node-a", List.of("127.0.0.1"))
                .withMode(ProxyMode.USERSPACE)
                .withUserspaceClusterIpAddress(CLUSTER_ADDR)
                .withUdpIdleTimeout(Duration.ofSeconds(2))
                .withSyncPeriods(Duration.ofMillis(50), Duration.ofSeconds(30)));
    proxy.start();
  }

  @AfterAll
  static void stop() {
    if (proxy != null) {
      proxy.close();
    }
    http.forEach(s -> s.stop(0));
    udp.forEach(DatagramSocket::close);
    if (api != null) {
      api.close();
    }
  }

  static Service create(Services.Svc svc) {
    return client.services().resource(svc.build()).create();
  }

  static void slice(EndpointSlice slice) {
    var res = client.discovery().v1().endpointSlices().inNamespace(NS);
    EndpointSlice have = res.withName(slice.getMetadata().getName()).get();
    if (have == null) {
      res.resource(slice).create();
    } else {
      slice.getMetadata().setResourceVersion(have.getMetadata().getResourceVersion());
      res.resource(slice).update();
    }
  }

  static List<String> gets(String ip, int port, int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(get(ip, port));
    }
    return out;
  }

  @Test
  void nodePortAndClusterPortRoundRobinOverReadyEndpointsAndFollowChanges() {
    Service svc =
        create(
            Services.service(NS + "/web")
                .type("NodePort")
                .port("http", freeServicePort(), "TCP", 0));
    int nodePort = svc.getSpec().getPorts().getFirst().getNodePort();
    int port = svc.getSpec().getPorts().getFirst().getPort();
    slice(
        Services.slice(NS + "/web-1", "web")
            .port("http", backendPort, "TCP")
            .ready("127.0.0.2", "node-a")
            .ready("127.0.0.3", "node-b")
            .endpoint("127.0.0.4", "node-b", false, false, false)
            .build());
    // the first sync waits for the informers
    await().atMost(Duration.ofSeconds(60)).until(() -> get("127.0.0.1", nodePort) != null);

    List<String> viaNodePort = gets("127.0.0.1", nodePort, 6);
    assertThat(viaNodePort).containsOnly("a", "b");
    for (int i = 1; i < viaNodePort.size(); i++) {
      assertThat(viaNodePort.get(i)).as("round robin").isNotEqualTo(viaNodePort.get(i - 1));
    }
    List<String> viaClusterPort = gets(CLUSTER_ADDR, port, 4);
    assertThat(viaClusterPort).containsOnly("a", "b").contains("a", "b");

    // b stops being ready: only a answers
    slice(
        Services.slice(NS + "/web-1", "web")
            .port("http", backendPort, "TCP")
            .ready("127.0.0.2", "node-a")
            .endpoint("127.0.0.3", "node-b", false, true, true)
            .build());
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> gets("127.0.0.1", nodePort, 4).stream().allMatch("a"::equals));

    // a goes away, b is ready again: only b answers
    slice(
        Services.slice(NS + "/web-1", "web")
            .port("http", backendPort, "TCP")
            .ready("127.0.0.3", "node-b")
            .build());
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> gets("127.0.0.1", nodePort, 4).stream().allMatch("b"::equals));
    assertThat(gets(CLUSTER_ADDR, port, 3)).containsOnly("b");

    // the Service goes away: its listeners close
    client.services().inNamespace(NS).withName("web").delete();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> get("127.0.0.1", nodePort) == null && get(CLUSTER_ADDR, port) == null);
  }

  @Test
  void externalTrafficPolicyLocalSendsNodePortTrafficToThisNodesEndpointsOnly() {
    Service svc =
        create(
            Services.service(NS + "/local")
                .type("NodePort")
                .port("", freeServicePort(), "TCP", 0)
                .externalTrafficPolicy("Local"));
    int nodePort = svc.getSpec().getPorts().getFirst().getNodePort();
    int port = svc.getSpec().getPorts().getFirst().getPort();
    slice(
        Services.slice(NS + "/local-1", "local")
            .port("", backendPort, "TCP")
            .ready("127.0.0.2", "node-a")
            .ready("127.0.0.3", "node-b")
            .build());
    await().atMost(Duration.ofSeconds(60)).until(() -> get("127.0.0.1", nodePort) != null);
    assertThat(gets("127.0.0.1", nodePort, 4)).containsOnly("a");
    assertThat(gets(CLUSTER_ADDR, port, 4)).contains("a", "b");
  }

  @Test
  void clientIpAffinityKeepsAClientOnOneEndpoint() {
    Service svc =
        create(
            Services.service(NS + "/sticky")
                .type("NodePort")
                .port("", freeServicePort(), "TCP", 0)
                .affinity(60));
    int nodePort = svc.getSpec().getPorts().getFirst().getNodePort();
    slice(
        Services.slice(NS + "/sticky-1", "sticky")
            .port("", backendPort, "TCP")
            .ready("127.0.0.2", "node-a")
            .ready("127.0.0.3", "node-a")
            .build());
    await().atMost(Duration.ofSeconds(60)).until(() -> get("127.0.0.1", nodePort) != null);
    List<String> got = gets("127.0.0.1", nodePort, 6);
    assertThat(got).containsOnly(got.getFirst());
  }

  @Test
  void udpDatagramsReachAnEndpointAndTheReplyComesBack() {
    Service svc =
        create(
            Services.service(NS + "/echo")
                .type("NodePort")
                .port("echo", freeServicePort(), "UDP", 0));
    int nodePort = svc.getSpec().getPorts().getFirst().getNodePort();
    int port = svc.getSpec().getPorts().getFirst().getPort();
    slice(
        Services.slice(NS + "/echo-1", "echo")
            .port("echo", backendPort, "UDP")
            .ready("127.0.0.2", "node-a")
            .build());
    await().atMost(Duration.ofSeconds(60)).until(() -> udp("127.0.0.1", nodePort, "ping") != null);
    assertThat(udp("127.0.0.1", nodePort, "hello")).isEqualTo("a:hello");
    assertThat(udp(CLUSTER_ADDR, port, "there")).isEqualTo("a:there");
  }

  @Test
  void aLoadBalancerGetsTheNodeAddressAndIsServedThere() {
    int port = freeServicePort();
    create(Services.service(NS + "/lb").type("LoadBalancer").port("", port, "TCP", 0));
    slice(
        Services.slice(NS + "/lb-1", "lb")
            .port("", backendPort, "TCP")
            .ready("127.0.0.3", "node-b")
            .build());
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              Service s = client.services().inNamespace(NS).withName("lb").get();
              return s.getStatus().getLoadBalancer().getIngress() != null
                  && s.getStatus().getLoadBalancer().getIngress().stream()
                      .map(LoadBalancerIngress::getIp)
                      .toList()
                      .equals(List.of("127.0.0.1"));
            });
    await().atMost(Duration.ofSeconds(60)).until(() -> "b".equals(get("127.0.0.1", port)));
  }

  @Test
  void headlessAndExternalNameServicesGetNoListeners() {
    int port = freeServicePort();
    create(Services.service(NS + "/headless").clusterIp("None").port("", port, "TCP"));
    Service named =
        Services.service(NS + "/named").type("ExternalName").port("", port, "TCP").build();
    named.getSpec().setExternalName("example.com");
    client.services().resource(named).create();
    slice(
        Services.slice(NS + "/headless-1", "headless")
            .port("", backendPort, "TCP")
            .ready("127.0.0.2", "node-a")
            .build());
    // a Service created after them is served: the proxy has seen them too
    int later = freeServicePort();
    create(Services.service(NS + "/later").port("", later, "TCP"));
    slice(
        Services.slice(NS + "/later-1", "later")
            .port("", backendPort, "TCP")
            .ready("127.0.0.2", "node-a")
            .build());
    await().atMost(Duration.ofSeconds(60)).until(() -> "a".equals(get(CLUSTER_ADDR, later)));
    assertThat(get(CLUSTER_ADDR, port)).isNull();
  }

  private static int freeServicePort() {
    try {
      return Backends.freePort("127.0.0.1", CLUSTER_ADDR);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
