package io.k8j.proxy.iptables;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8j.proxy.model.Endpoint;
import io.k8j.proxy.model.ServicePortName;
import org.junit.jupiter.api.Test;

class ChainNamesTest {
  @Test
  void namesAreUpstreamKubeProxys() {
    // the names upstream's iptables proxier tests expect for ns1/svc1:p80 -> 10.180.0.1:80
    ServicePortName p80 = new ServicePortName("ns1", "svc1", "p80", "TCP");
    assertThat(ChainNames.cluster(p80)).isEqualTo("KUBE-SVC-XPGD46QRK7WJZT7O");
    assertThat(ChainNames.endpoint(p80, new Endpoint("10.180.0.1", 80, false, true, true, false)))
        .isEqualTo("KUBE-SEP-SXIVWICOYRO3J4NJ");
  }

  @Test
  void prefixesShareTheServiceHash() {
    ServicePortName p = new ServicePortName("ns", "web", "", "UDP");
    String hash = ChainNames.cluster(p).substring("KUBE-SVC-".length());
    assertThat(ChainNames.local(p)).isEqualTo("KUBE-SVL-" + hash);
    assertThat(ChainNames.external(p)).isEqualTo("KUBE-EXT-" + hash);
    assertThat(ChainNames.firewall(p)).isEqualTo("KUBE-FW-" + hash);
    assertThat(hash).hasSize(16).matches("[A-Z2-7]+");
    assertThat(ChainNames.cluster(new ServicePortName("ns", "web", "", "TCP")))
        .isNotEqualTo(ChainNames.cluster(p));
  }

  @Test
  void onlyPerServiceChainsCountAsServiceChains() {
    assertThat(ChainNames.isServiceChain("KUBE-SEP-SXIVWICOYRO3J4NJ")).isTrue();
    assertThat(ChainNames.isServiceChain("KUBE-FW-SXIVWICOYRO3J4NJ")).isTrue();
    assertThat(ChainNames.isServiceChain("KUBE-SERVICES")).isFalse();
    assertThat(ChainNames.isServiceChain("KUBE-MARK-MASQ")).isFalse();
    assertThat(ChainNames.isServiceChain("DOCKER")).isFalse();
  }
}
