package io.k8j.kubelet.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.k8j.kubelet.RuntimeKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The end-to-end list on real containerd, driven with the real kubectl: the shared suite,
 * volumes at the containers' own paths, and image pulls, which only this runtime makes.
 */
class ContainerdPodsIT extends PodsContract {
  @BeforeAll
  static void start() throws Exception {
    node = NodeFixture.start(RuntimeKind.CRI, "ctr-e2e", "10.88.10.0/24", b -> b);
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Override
  String mountRoot() {
    return "";
  }

  /** The image's registry is a closed loopback port: the pull fails at once, without DNS. */
  @Test
  void aMissingImageFailsToPullAndBacksOff() {
    apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: noimage}
        spec:
          nodeName: {node}
          containers:
          - name: app
            image: 127.0.0.1:1/k8j/nothing:1.0
        """);
    List<String> reasons = new ArrayList<>();
    try {
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                String r =
                    node.kubectl.jsonpath(
                        "noimage", "{.status.containerStatuses[0].state.waiting.reason}");
                if (!r.isEmpty()
                    && (reasons.isEmpty() || !reasons.get(reasons.size() - 1).equals(r))) {
                  reasons.add(r);
                }
                // ErrImagePull can be replaced by ImagePullBackOff before a poll sees it in the
                // status (as upstream); its event stays
                return reasons.contains("ImagePullBackOff")
                    && (reasons.contains("ErrImagePull")
                        || events("noimage").stream()
                            .anyMatch(e -> "Error: ErrImagePull".equals(e.getMessage())));
              });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      // A CI run once saw this pod's worker stop: say where every thread is (virtual ones too).
      throw new AssertionError(
          "waiting reasons seen: "
              + reasons
              + "; events: "
              + events("noimage").stream().map(Event::getMessage).toList()
              + "; threads dumped to "
              + ThreadDumps.dump("missing-image"),
          e);
    }
    assertThat(node.kubectl.jsonpath("noimage", "{.status.phase}")).isEqualTo("Pending");
    assertThat(events("noimage"))
        .anySatisfy(
            e ->
                assertThat(e.getMessage())
                    .startsWith("Failed to pull image \"127.0.0.1:1/k8j/nothing:1.0\""))
        .anySatisfy(
            e ->
                assertThat(e.getMessage())
                    .isEqualTo("Back-off pulling image \"127.0.0.1:1/k8j/nothing:1.0\""));
  }
}
