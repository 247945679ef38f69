package io.k8j.proxy.iptables;

import static io.k8j.proxy.testing.NetnsTopology.CLIENT_ADDRESS;
import static io.k8j.proxy.testing.NetnsTopology.NODE_ADDRESS;
import static io.k8j.proxy.testing.NetnsTopology.podIp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.k8j.proxy.ProxyMode;
import io.k8j.proxy.ProxyOptions;
import io.k8j.proxy.ServiceProxy;
import io.k8j.proxy.testing.NetTool;
import io.k8j.proxy.testing.NetnsTopology;
import io.k8j.proxy.testing.Services;
import io.k8j.testing.cluster.TestApiServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The iptables mode for real, inside network namespaces this test creates: the proxy's rules go
 * into the "node" namespace (every iptables command through {@code ip netns exec}); two "pods" run
 * busybox httpd on port 80 (pod 1 on this node, pod 2 counted as another node's); requests come
 * from a client outside the cluster, from the node itself and from a pod.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IptablesProxyIT {
  static final String NS = "default";
  static TestApiServer api;
  static KubernetesClient client;
  static NetnsTopology net;
  static ServiceProxy proxy;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(NetnsTopology.available(), "needs root and ip netns");
    net = NetnsTopology.create(2);
    net.httpd(1, "pod1");
    net.httpd(2, "pod2");
    String java = ProcessHandle.current().info().command().orElseThrow();
    String cp =
        Path.of(NetTool.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .toString();
    for (int i = 1; i <= 2; i++) {
      net.background(
          net.pod(i),
          List.of(
              java, "-cp", cp, NetTool.class.getName(), "udp-echo", podIp(i), "5353", "pod" + i));
    }
    api = TestApiServer.start();
    client = api.client();
    proxy =
        new ServiceProxy(
            client,
            ProxyOptions.defaults("node-a", List.of(NODE_ADDRESS))
                .withMode(ProxyMode.IPTABLES)
                .withNetns(net.node())
                .withClusterCidr("10.244.0.0/16")
                .withSyncPeriods(Duration.ofMillis(50), Duration.ofSeconds(30)));
    proxy.start();
  }

  @AfterAll
  static void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (api != null) {
      api.close();
    }
    if (net != null) {
      net.close();
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

  static Services.Slice bothPods(String name, String service) {
    return Services.slice(NS + "/" + name, service)
        .port("", 80, "TCP")
        .ready(podIp(1), "node-a")
        .ready(podIp(2), "node-b");
  }

  static String wget(String ns, String ip, int port) {
    try {
      return net.wget(ns, ip, port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Set<String> answers(String ns, String ip, int port, int n) {
    Set<String> out = new HashSet<>();
    for (int i = 0; i < n; i++) {
      out.add(String.valueOf(wget(ns, ip, port)));
    }
    return out;
  }

  @Test
  @Order(1)
  void clusterIpReachesBothEndpointsFromOutsideFromTheNodeAndFromAPod() {
    Service svc = create(Services.service(NS + "/web").port("", 80, "TCP"));
    String vip = svc.getSpec().getClusterIP();
    assertThat(vip).startsWith("10.43.");
    slice(bothPods("web-1", "web").build());
    // the first sync waits for the informers
    await().atMost(Duration.ofSeconds(60)).until(() -> wget(net.client(), vip, 80) != null);
    assertThat(answers(net.client(), vip, 80, 24)).containsExactlyInAnyOrder("pod1", "pod2");
    assertThat(answers(net.node(), vip, 80, 24)).containsExactlyInAnyOrder("pod1", "pod2");
    assertThat(answers(net.pod(1), vip, 80, 24)).containsExactlyInAnyOrder("pod1", "pod2");
  }

  @Test
  @Order(2)
  void nodePortAnswersOnTheNodeAddressAndOnLocalhost() {
    Service svc = create(Services.service(NS + "/np").type("NodePort").port("", 8080, "TCP", 0));
    int nodePort = svc.getSpec().getPorts().getFirst().getNodePort();
    slice(bothPods("np-1", "np").build());
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> wget(net.client(), NODE_ADDRESS, nodePort) != null);
    assertThat(answers(net.client(), NODE_ADDRESS, nodePort, 24))
        .containsExactlyInAnyOrder("pod1", "pod2");
    assertThat(answers(net.node(), "127.0.0.1", nodePort, 12))
        .isSubsetOf("pod1", "pod2")
        .hasSizeGreaterThan(0)
        .doesNotContain("null");
  }

  @Test
  @Order(3)
  void externalTrafficPolicyLocalKeepsNodePortTrafficOnThisNode() {
    Service svc =
        create(
            Services.service(NS + "/local")
                .type("NodePort")
                .port("", 8081, "TCP", 0)
                .externalTrafficPolicy("Local"));
    int nodePort = svc.getSpec().getPorts().getFirst().getNodePort();
    slice(bothPods("local-1", "local").build());
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> wget(net.client(), NODE_ADDRESS, nodePort) != null);
    assertThat(answers(net.client(), NODE_ADDRESS, nodePort, 12)).containsExactly("pod1");
    assertThat(answers(net.client(), svc.getSpec().getClusterIP(), 8081, 24))
        .containsExactlyInAnyOrder("pod1", "pod2");
  }

  @Test
  @Order(4)
  void notReadyEndpointsAreSkippedAndRemovedOnesFollowed() {
    Service svc = create(Services.service(NS + "/moving").port("", 80, "TCP"));
    String vip = svc.getSpec().getClusterIP();
    slice(
        Services.slice(NS + "/moving-1", "moving")
            .port("", 80, "TCP")
            .ready(podIp(1), "node-a")
            .endpoint(podIp(2), "node-b", false, false, false)
            .build());
    await().atMost(Duration.ofSeconds(60)).until(() -> wget(net.client(), vip, 80) != null);
    assertThat(answers(net.client(), vip, 80, 12)).containsExactly("pod1");
    slice(
        Services.slice(NS + "/moving-1", "moving")
            .port("", 80, "TCP")
            .ready(podIp(2), "node-b")
            .build());
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> answers(net.client(), vip, 80, 6).equals(Set.of("pod2")));
    slice(Services.slice(NS + "/moving-1", "moving").port("", 80, "TCP").build());
    await().atMost(Duration.ofSeconds(60)).until(() -> wget(net.client(), vip, 80) == null);
    // no endpoints: rejected at once, not left to time out
    NetnsTopology.Result r;
    try {
      r =
          net.exec(
              net.client(),
              List.of("/bin/busybox", "wget", "-q", "-O", "-", "http://" + vip + "/"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(r.output()).contains("refused");
  }

  @Test
  @Order(5)
  void loadBalancerIngressIsTheNodeAddressAndRoutesThere() {
    create(Services.service(NS + "/lb").type("LoadBalancer").port("", 8082, "TCP", 0));
    slice(bothPods("lb-1", "lb").build());
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              var ingress =
                  client
                      .services()
                      .inNamespace(NS)
                      .withName("lb")
                      .get()
                      .getStatus()
                      .getLoadBalancer()
                      .getIngress();
              return ingress != null
                  && ingress.size() == 1
                  && NODE_ADDRESS.equals(ingress.getFirst().getIp());
            });
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> wget(net.client(), NODE_ADDRESS, 8082) != null);
    assertThat(answers(net.client(), NODE_ADDRESS, 8082, 24))
        .containsExactlyInAnyOrder("pod1", "pod2");
  }

  @Test
  @Order(6)
  void clientIpAffinitySticks() {
    Service svc = create(Services.service(NS + "/sticky").port("", 80, "TCP").affinity(600));
    String vip = svc.getSpec().getClusterIP();
    slice(bothPods("sticky-1", "sticky").build());
    await().atMost(Duration.ofSeconds(60)).until(() -> wget(net.client(), vip, 80) != null);
    assertThat(answers(net.client(), vip, 80, 12)).hasSize(1);
  }

  @Test
  @Order(7)
  void udpThroughTheClusterIp() throws Exception {
    Service svc = create(Services.service(NS + "/dns").port("dns", 53, "UDP"));
    String vip = svc.getSpec().getClusterIP();
    slice(
        Services.slice(NS + "/dns-1", "dns")
            .port("dns", 5353, "UDP")
            .ready(podIp(2), "node-b")
            .build());
    String java = ProcessHandle.current().info().command().orElseThrow();
    String cp =
        Path.of(NetTool.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .toString();
    List<String> cmd =
        new ArrayList<>(List.of(java, "-cp", cp, NetTool.class.getName(), "udp", vip, "53", "hi"));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> net.exec(net.client(), cmd).output().equals("pod2:hi"));
  }

  @Test
  @Order(8)
  void closeRemovesEveryRuleAndChain() throws Exception {
    assertThat(net.sh(net.node(), "iptables-save")).contains("KUBE-SERVICES").contains("KUBE-SEP-");
    proxy.close();
    proxy = null;
    String left = net.sh(net.node(), "iptables-save");
    assertThat(left).doesNotContain("KUBE-");
    assertThat(wget(net.client(), CLIENT_ADDRESS, 1)).isNull();
  }
}
