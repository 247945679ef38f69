package io.k8j.controllers.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FencepostsTest {
  private static IntOrString v(String s) {
    return s.endsWith("%") ? new IntOrString(s) : new IntOrString(Integer.parseInt(s));
  }

  @ParameterizedTest(name = "surge {0}, unavailable {1} of {2} -> {3}, {4}")
  @CsvSource({
    "25%, 25%, 10, 3, 2",
    "25%, 25%, 1, 1, 0",
    "25%, 25%, 4, 1, 1",
    "0%, 0%, 3, 0, 1",
    "0, 0, 3, 0, 1",
    "2, 50%, 5, 2, 2",
    "100%, 0, 3, 3, 0",
    "10%, 10%, 9, 1, 0",
    "1, 5, 3, 1, 3",
  })
  void resolvesAsUpstreamRoundsSurgeUpAndUnavailabilityDown(
      String surge, String unavailable, int replicas, int wantSurge, int wantUnavailable) {
    Deployment d = DeploymentControllerTest.deployment("web", replicas, "app:v1");
    d.getSpec().getStrategy().getRollingUpdate().setMaxSurge(v(surge));
    d.getSpec().getStrategy().getRollingUpdate().setMaxUnavailable(v(unavailable));
    assertThat(Fenceposts.maxSurge(d)).isEqualTo(wantSurge);
    assertThat(Fenceposts.maxUnavailable(d)).isEqualTo(wantUnavailable);
  }
}
