package io.k8j.apiserver.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NegotiationTest {
  @Test
  void kubectlGetAsksForATable() {
    Negotiation.Choice c =
        Negotiation.choose(
            "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json");
    assertThat(c).isEqualTo(new Negotiation.Choice(Negotiation.Format.TABLE, "v1"));
  }

  @Test
  void discoveryAsksForTheAggregatedForm() {
    Negotiation.Choice c =
        Negotiation.choose(
            "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json");
    assertThat(c).isEqualTo(new Negotiation.Choice(Negotiation.Format.DISCOVERY_V2, "v2"));
  }

  @Test
  void protobufFallsBackToJsonInsteadOf406() {
    assertThat(Negotiation.choose("application/vnd.kubernetes.protobuf"))
        .isEqualTo(Negotiation.Choice.JSON);
    assertThat(Negotiation.choose("application/vnd.kubernetes.protobuf,application/json"))
        .isEqualTo(Negotiation.Choice.JSON);
  }

  @Test
  void yamlWhenAsked() {
    assertThat(Negotiation.choose("application/yaml").format()).isEqualTo(Negotiation.Format.YAML);
  }
}
