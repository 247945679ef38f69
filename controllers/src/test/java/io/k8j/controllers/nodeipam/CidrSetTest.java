package io.k8j.controllers.nodeipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CidrSetTest {
  @Test
  void handsOutEachSubnetOnceGoingRoundFromTheLast() {
    CidrSet set = new CidrSet("10.42.0.0/22", 24);
    assertThat(set.occupy("10.42.1.0/24")).isTrue();
    assertThat(set.allocate()).isEqualTo("10.42.0.0/24");
    assertThat(set.allocate()).isEqualTo("10.42.2.0/24");
    assertThat(set.allocate()).isEqualTo("10.42.3.0/24");
    assertThat(set.allocate()).as("full").isNull();
    set.release("10.42.2.0/24");
    assertThat(set.free()).isEqualTo(1);
    assertThat(set.allocate()).isEqualTo("10.42.2.0/24");
  }

  @Test
  void subnetsOutsideTheRangeOrOfAnotherSizeAreNotItsOwn() {
    CidrSet set = new CidrSet("10.42.0.0/16", 24);
    assertThat(set.occupy("10.43.0.0/24")).isFalse();
    assertThat(set.occupy("10.42.0.0/25")).isFalse();
    assertThat(set.occupy("fd00::/64")).isFalse();
    assertThat(set.free()).isEqualTo(256);
  }

  @Test
  void aMaskSizeThatDoesNotFitIsRefused() {
    assertThatThrownBy(() -> new CidrSet("10.42.0.0/16", 8))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mask size 8");
    assertThatThrownBy(() -> new CidrSet("10.42.0.0", 24))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
