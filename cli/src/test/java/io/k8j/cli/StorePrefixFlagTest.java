package io.k8j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StorePrefixFlagTest {
  @Test
  void thePrefixIsNormalisedAsKubeApiserverDoes() {
    assertThat(ServerComponents.storePrefix("/registry")).isEqualTo("/registry");
    assertThat(ServerComponents.storePrefix("/cluster-b/")).isEqualTo("/cluster-b");
    assertThat(ServerComponents.storePrefix("tenants/a")).isEqualTo("/tenants/a");
  }

  @Test
  void anEmptyPrefixIsRefusedWithTheFlagNamed() {
    assertThatThrownBy(() -> ServerComponents.storePrefix("/"))
        .hasMessageContaining("--etcd-prefix");
  }
}
