package io.k8j.apiserver.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8j.apiserver.registry.validation.Quantities;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Quantities printed back as upstream's canonical forms. */
class ResourceListsTest {
  @ParameterizedTest
  @CsvSource({
    "requests.cpu, 300m, 300m",
    "requests.cpu, 0.5, 500m",
    "requests.cpu, 2, 2",
    "requests.cpu, 2000m, 2",
    "limits.memory, 128Mi, 128Mi",
    "limits.memory, 1024Mi, 1Gi",
    "requests.memory, 1000, 1000",
    "pods, 0, 0",
    "count/configmaps, 3, 3",
  })
  void canonicalForm(String resource, String in, String out) {
    assertThat(ResourceLists.format(resource, Quantities.parse(in))).isEqualTo(out);
  }
}
