package io.k8j.proxy.model;

import static io.k8j.proxy.testing.Services.service;
import static io.k8j.proxy.testing.Services.slice;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProxyStateBuilderTest {
  static final ServicePortName WEB_HTTP = new ServicePortName("ns", "web", "http", "TCP");
  static final ServicePortName WEB_DNS = new ServicePortName("ns", "web", "dns", "UDP");

  @Test
  void eachPortGetsTheEndpointsOfTheSlicePortWithItsNameAndProtocol() {
    ProxyState state =
        ProxyStateBuilder.build(
            List.of(
                service("ns/web")
                    .clusterIp("10.43.0.10")
                    .port("http", 80, "TCP")
                    .port("dns", 53, "UDP")
                    .build()),
            List.of(
                slice("ns/web-a", "web")
                    .port("http", 8080, "TCP")
                    .port("dns", 5353, "UDP")
                    .ready("10.42.0.2", "n1")
                    .build(),
                slice("ns/web-b", "web").port("http", 8081, "TCP").ready("10.42.0.3", "n2").build(),
                slice("ns/other", "other").port("http", 9, "TCP").ready("10.42.0.9", "n1").build()),
            "n1");
    assertThat(state.services().keySet()).containsExactly(WEB_DNS, WEB_HTTP);
    assertThat(state.endpoints(WEB_HTTP))
        .containsExactly(
            new Endpoint("10.42.0.2", 8080, true, true, true, false),
            new Endpoint("10.42.0.3", 8081, false, true, true, false));
    assertThat(state.endpoints(WEB_DNS))
        .containsExactly(new Endpoint("10.42.0.2", 5353, true, true, true, false));
  }

  @Test
  void unsetConditionsAreReadyAndServingNotTerminating() {
    ProxyState state =
        ProxyStateBuilder.build(
            List.of(service("ns/web").clusterIp("10.43.0.10").port("http", 80, "TCP").build()),
            List.of(
                slice("ns/web-a", "web")
                    .port("http", 80, "TCP")
                    .endpoint("10.42.0.2", null, null, null, null)
                    .endpoint("10.42.0.3", null, false, true, true)
                    .build()),
            "n1");
    assertThat(state.endpoints(WEB_HTTP))
        .containsExactly(
            new Endpoint("10.42.0.2", 80, false, true, true, false),
            new Endpoint("10.42.0.3", 80, false, false, true, true));
  }

  @Test
  void anEndpointInTwoSlicesCountsOnceAndLocalWins() {
    ProxyState state =
        ProxyStateBuilder.build(
            List.of(service("ns/web").clusterIp("10.43.0.10").port("http", 80, "TCP").build()),
            List.of(
                slice("ns/web-a", "web").port("http", 80, "TCP").ready("10.42.0.2", "n2").build(),
                slice("ns/web-b", "web").port("http", 80, "TCP").ready("10.42.0.2", "n1").build()),
            "n1");
    assertThat(state.endpoints(WEB_HTTP))
        .containsExactly(new Endpoint("10.42.0.2", 80, true, true, true, false));
  }

  @Test
  void ipv6AndHeadlessSlicesAndUnproxiedServicesAreSkipped() {
    ProxyState state =
        ProxyStateBuilder.build(
            List.of(
                service("ns/web").clusterIp("10.43.0.10").port("http", 80, "TCP").build(),
                service("ns/ext").type("ExternalName").port("", 80, "TCP").build(),
                service("ns/none").clusterIp("None").port("", 80, "TCP").build(),
                service("ns/v6").clusterIp("fd00::10").port("", 80, "TCP").build()),
            List.of(
                slice("ns/web-v6", "web")
                    .addressType("IPv6")
                    .port("http", 80, "TCP")
                    .ready("fd00::2", "n1")
                    .build()),
            "n1");
    assertThat(state.services().keySet()).containsExactly(WEB_HTTP);
    assertThat(state.endpoints(WEB_HTTP)).isEmpty();
  }

  @Test
  void policiesAffinityAndAddressesAreRead() {
    ServicePortInfo info =
        ProxyStateBuilder.build(
                List.of(
                    service("ns/web")
                        .type("LoadBalancer")
                        .clusterIp("10.43.0.10")
                        .port("http", 80, "TCP", 30080)
                        .externalIps("192.0.2.1", "2001:db8::1")
                        .ingress("192.0.2.7")
                        .affinity(60)
                        .externalTrafficPolicy("Local")
                        .internalTrafficPolicy("Local")
                        .build()),
                List.of(),
                "n1")
            .services()
            .get(WEB_HTTP);
    assertThat(info)
        .isEqualTo(
            new ServicePortInfo(
                WEB_HTTP,
                "10.43.0.10",
                80,
                30080,
                List.of("192.0.2.1"),
                List.of("192.0.2.7"),
                List.of(),
                true,
                60,
                true,
                true));
  }

  @Test
  void externalPolicyLocalOnlyCountsForExternallyReachableServices() {
    ServicePortInfo info =
        ProxyStateBuilder.build(
                List.of(
                    service("ns/web")
                        .clusterIp("10.43.0.10")
                        .port("http", 80, "TCP")
                        .externalTrafficPolicy("Local")
                        .ingress("192.0.2.7")
                        .build()),
                List.of(),
                "n1")
            .services()
            .get(WEB_HTTP);
    assertThat(info.externalPolicyLocal()).isFalse();
    assertThat(info.loadBalancerIps()).as("ingress of a non-LoadBalancer is ignored").isEmpty();
  }

  @Test
  void changedServicesNamesServicesWhosePortsOrEndpointsDiffer() {
    var web = service("ns/web").clusterIp("10.43.0.10").port("http", 80, "TCP").build();
    var db = service("ns/db").clusterIp("10.43.0.11").port("", 5432, "TCP").build();
    ProxyState before =
        ProxyStateBuilder.build(
            List.of(web, db),
            List.of(
                slice("ns/web-a", "web").port("http", 80, "TCP").ready("10.42.0.2", "n1").build()),
            "n1");
    ProxyState after =
        ProxyStateBuilder.build(
            List.of(web),
            List.of(
                slice("ns/web-a", "web").port("http", 80, "TCP").ready("10.42.0.3", "n1").build()),
            "n1");
    assertThat(after.changedServices(before)).containsExactlyInAnyOrder("ns/web", "ns/db");
    assertThat(after.changedServices(after)).isEmpty();
    assertThat(before.changedServices(ProxyState.EMPTY))
        .containsExactlyInAnyOrder("ns/web", "ns/db");
  }
}
