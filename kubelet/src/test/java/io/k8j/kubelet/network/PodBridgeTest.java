package io.k8j.kubelet.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodBridgeTest {
  private static final String LISTING =
      """
      5: k8j0e6225b1    inet 10.42.0.1/24 brd 10.42.0.255 scope global k8j0e6225b1\\       valid_lft forever preferred_lft forever
      6: k8jb1a2b3c    inet 10.42.0.1/24 brd 10.42.0.255 scope global k8jb1a2b3c\\       valid_lft forever preferred_lft forever
      7: docker0    inet 10.42.0.1/16 brd 10.42.255.255 scope global docker0\\       valid_lft forever preferred_lft forever
      8: k8j11111111    inet 10.88.10.1/24 brd 10.88.10.255 scope global k8j11111111\\       valid_lft forever preferred_lft forever
      9: k8j22222222    inet 10.42.1.1/24 brd 10.42.1.255 scope global k8j22222222\\       valid_lft forever preferred_lft forever
      """;

  @Test
  void parsesTheBridgesAndTheirAddresses() {
    assertThat(PodBridge.parse(LISTING))
        .contains(
            new PodBridge.BridgeAddress("k8j0e6225b1", "10.42.0.1/24"),
            new PodBridge.BridgeAddress("docker0", "10.42.0.1/16"))
        .hasSize(5);
  }

  @Test
  void staleAreOtherK8jBridgesInOurRangeAndOurOwnWithAnotherRange() {
    var addresses = PodBridge.parse(LISTING);
    // another node's bridge in our range goes; a test's bridge (k8jb...), docker's and bridges of
    // other ranges stay
    assertThat(PodBridge.stale(addresses, "k8jaaaaaaaa", "10.42.0.1/24", "10.42.0.0/24"))
        .containsExactly("k8j0e6225b1");
    // our own bridge with our address stays; with another range it goes
    assertThat(PodBridge.stale(addresses, "k8j0e6225b1", "10.42.0.1/24", "10.42.0.0/24")).isEmpty();
    assertThat(PodBridge.stale(addresses, "k8j11111111", "10.88.20.1/24", "10.88.20.0/24"))
        .containsExactly("k8j11111111");
    // a wider range overlaps the narrower ones inside it
    assertThat(PodBridge.stale(addresses, "k8jaaaaaaaa", "10.42.0.1/16", "10.42.0.0/16"))
        .containsExactly("k8j0e6225b1", "k8j22222222");
  }

  @Test
  void replacesOnlyStaleBridgesWithoutPodsAndRemovesItsOwnWhenEmptyAtClose() {
    List<List<String>> ran = new ArrayList<>();
    Map<String, String> ports =
        Map.of(
            "k8j0e6225b1", "",
            "k8j22222222", "12: vethabc@if2: <BROADCAST,MULTICAST,UP> mtu 1500 master k8j22222222");
    HostCommand host =
        cmd -> {
          ran.add(cmd);
          if (cmd.contains("addr")) {
            return LISTING;
          }
          if (cmd.contains("master")) {
            return ports.getOrDefault(cmd.getLast(), "");
          }
          if (cmd.contains("show") && cmd.getLast().equals("k8jaaaaaaaa")) {
            throw new IOException("Device \"k8jaaaaaaaa\" does not exist.");
          }
          return "";
        };
    CniNetworkConfig net =
        new CniNetworkConfig("k8j", "k8jaaaaaaaa", "10.42.0.0/16", Path.of("/x"), Path.of("/y"));
    PodBridge bridge = new PodBridge(net, host);
    bridge.replaceStale();
    assertThat(ran).contains(List.of("ip", "link", "del", "k8j0e6225b1"));
    assertThat(ran).doesNotContain(List.of("ip", "link", "del", "k8j22222222"));

    ran.clear();
    bridge.close();
    assertThat(ran).doesNotContain(List.of("ip", "link", "del", "k8jaaaaaaaa"));
  }

  @Test
  void closeRemovesTheBridgeOnlyWhenNoPodIsOnIt() {
    List<List<String>> ran = new ArrayList<>();
    String[] attached = {"12: vethabc@if2: <BROADCAST> mtu 1500 master k8jaaaaaaaa"};
    HostCommand host =
        cmd -> {
          ran.add(cmd);
          return cmd.contains("master") ? attached[0] : "";
        };
    PodBridge bridge =
        new PodBridge(
            new CniNetworkConfig(
                "k8j", "k8jaaaaaaaa", "10.42.0.0/24", Path.of("/x"), Path.of("/y")),
            host);
    bridge.close();
    assertThat(ran).doesNotContain(List.of("ip", "link", "del", "k8jaaaaaaaa"));
    attached[0] = "";
    bridge.close();
    assertThat(ran).contains(List.of("ip", "link", "del", "k8jaaaaaaaa"));
  }

  @Test
  void rangesOverlapWhenOneHoldsTheOther() {
    assertThat(Ipv4Cidr.overlap("10.42.0.1/24", "10.42.0.0/24")).isTrue();
    assertThat(Ipv4Cidr.overlap("10.42.0.0/16", "10.42.7.0/24")).isTrue();
    assertThat(Ipv4Cidr.overlap("10.42.1.1/24", "10.42.0.0/24")).isFalse();
    assertThat(Ipv4Cidr.overlap("fd00::1/64", "10.42.0.0/24")).isFalse();
    assertThat(Ipv4Cidr.overlap("10.42.0.300/24", "10.42.0.0/24")).isFalse();
  }
}
