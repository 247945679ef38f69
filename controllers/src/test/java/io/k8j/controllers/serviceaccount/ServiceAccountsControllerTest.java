package io.k8j.controllers.serviceaccount;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.k8j.client.fake.FakeInformers;
import io.k8j.client.fake.RecordingWriter;
import io.k8j.common.FakeClock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServiceAccountsControllerTest {
  final FakeClock clock = new FakeClock();
  final FakeInformers informers = new FakeInformers();
  final RecordingWriter writer = new RecordingWriter(informers, clock);
  final ServiceAccountsController controller =
      new ServiceAccountsController(informers, writer, clock);

  @ParameterizedTest(name = "{0} namespace, default account exists: {1} -> created: {2}")
  @CsvSource({"Active, false, true", "Active, true, false", "Terminating, false, false"})
  void theDefaultAccountIsCreatedInActiveNamespacesThatLackIt(
      String phase, boolean exists, boolean created) {
    informers
        .forType(Namespace.class)
        .add(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName("team")
                .endMetadata()
                .withNewStatus()
                .withPhase(phase)
                .endStatus()
                .build());
    if (exists) {
      writer.create(
          new io.fabric8.kubernetes.api.model.ServiceAccountBuilder()
              .withNewMetadata()
              .withNamespace("team")
              .withName("default")
              .endMetadata()
              .build());
      writer.clear();
    }
    controller.sync("team");
    assertThat(writer.log().contains("create ServiceAccount team/default")).isEqualTo(created);
    assertThat(informers.forType(ServiceAccount.class).get("team", "default") != null)
        .isEqualTo(exists || created);
  }
}
