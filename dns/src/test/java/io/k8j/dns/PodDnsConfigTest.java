package io.k8j.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodDNSConfigBuilder;
import io.fabric8.kubernetes.api.model.PodDNSConfigOptionBuilder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodDnsConfigTest {
  private static final ResolvConf NODE =
      ResolvConf.parse(
          """
          # the node's
          nameserver 192.168.1.1
          nameserver 192.168.1.2
          search corp.example.com. lab.example.com
          options timeout:2 attempts:3
          """);
  private final PodDnsConfig config =
      new PodDnsConfig(List.of("10.96.0.10"), "cluster.local", NODE);

  @Test
  void clusterFirstUsesOnlyTheClusterDnsAndSearchesTheNamespaceFirst() {
    PodDnsConfig.Result r = config.forPod(pod("shop", null, false));
    assertThat(r.resolvConf().render())
        .isEqualTo(
            """
            search shop.svc.cluster.local svc.cluster.local cluster.local corp.example.com lab.example.com
            nameserver 10.96.0.10
            options ndots:5
            """);
    assertThat(r.warnings()).isEmpty();
  }

  @Test
  void clusterFirstOnTheHostNetworkFallsBackToTheNodesConfiguration() {
    assertThat(config.forPod(pod("shop", "ClusterFirst", true)).resolvConf()).isEqualTo(NODE);
    assertThat(
            config.forPod(pod("shop", "ClusterFirstWithHostNet", true)).resolvConf().nameservers())
        .containsExactly("10.96.0.10");
  }

  @Test
  void defaultIsTheNodesConfiguration() {
    assertThat(config.forPod(pod("shop", "Default", false)).resolvConf()).isEqualTo(NODE);
    PodDnsConfig noResolvConf = new PodDnsConfig(List.of("10.96.0.10"), "cluster.local", null);
    assertThat(noResolvConf.forPod(pod("shop", "Default", false)).resolvConf().render())
        .isEqualTo("search .\nnameserver 127.0.0.1\n");
  }

  @Test
  void noneIsOnlyThePodsDnsConfig() {
    Pod pod = pod("shop", "None", false);
    pod.getSpec()
        .setDnsConfig(
            new PodDNSConfigBuilder()
                .withNameservers("1.1.1.1")
                .withSearches("a.example")
                .withOptions(
                    new PodDNSConfigOptionBuilder().withName("ndots").withValue("2").build())
                .build());
    assertThat(config.forPod(pod).resolvConf())
        .isEqualTo(new ResolvConf(List.of("1.1.1.1"), List.of("a.example"), List.of("ndots:2")));
  }

  @Test
  void thePodsDnsConfigIsAppendedAndItsOptionsWin() {
    Pod pod = pod("shop", "ClusterFirst", false);
    pod.getSpec()
        .setDnsConfig(
            new PodDNSConfigBuilder()
                .withNameservers("10.96.0.10", "1.1.1.1")
                .withSearches("svc.cluster.local", "extra.example")
                .withOptions(
                    new PodDNSConfigOptionBuilder().withName("ndots").withValue("1").build(),
                    new PodDNSConfigOptionBuilder().withName("edns0").build())
                .build());
    ResolvConf r = config.forPod(pod).resolvConf();
    assertThat(r.nameservers()).containsExactly("10.96.0.10", "1.1.1.1");
    assertThat(r.searches())
        .containsExactly(
            "shop.svc.cluster.local",
            "svc.cluster.local",
            "cluster.local",
            "corp.example.com",
            "lab.example.com",
            "extra.example");
    assertThat(r.options()).containsExactly("ndots:1", "edns0");
  }

  @Test
  void withoutAClusterDnsClusterFirstFallsBackWithAWarning() {
    PodDnsConfig none = new PodDnsConfig(List.of(), "cluster.local", NODE);
    PodDnsConfig.Result r = none.forPod(pod("shop", null, false));
    assertThat(r.resolvConf()).isEqualTo(NODE);
    assertThat(r.warnings())
        .extracting(PodDnsConfig.Warning::reason)
        .containsExactly("MissingClusterDNS");
  }

  @Test
  void limitsAreKeptWithAWarning() {
    Pod pod = pod("shop", "None", false);
    List<String> searches = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      searches.add("d" + i + ".example");
    }
    searches.add("x".repeat(254));
    pod.getSpec()
        .setDnsConfig(
            new PodDNSConfigBuilder()
                .withNameservers("1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4")
                .withSearches(searches)
                .build());
    PodDnsConfig.Result r = config.forPod(pod);
    assertThat(r.resolvConf().nameservers()).hasSize(3);
    assertThat(r.resolvConf().searches()).hasSize(32).allMatch(s -> s.length() < 254);
    assertThat(r.warnings())
        .extracting(PodDnsConfig.Warning::reason)
        .containsOnly("DNSConfigForming")
        .hasSize(2);
  }

  @Test
  void resolvConfReadsAsTheKubeletDoes() {
    ResolvConf r =
        ResolvConf.parse(
            "search a.example\nsearch b.example c.example. .\nnameserver 1.1.1.1\n"
                + "options ndots:1\noptions ndots:3 rotate\ndomain ignored.example\n");
    assertThat(r)
        .isEqualTo(
            new ResolvConf(
                List.of("1.1.1.1"),
                List.of("b.example", "c.example"),
                List.of("ndots:3", "rotate")));
  }

  private static Pod pod(String namespace, String policy, boolean hostNetwork) {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName("p")
        .endMetadata()
        .withNewSpec()
        .withDnsPolicy(policy)
        .withHostNetwork(hostNetwork)
        .endSpec()
        .build();
  }
}
