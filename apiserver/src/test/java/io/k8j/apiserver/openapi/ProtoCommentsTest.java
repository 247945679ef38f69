package io.k8j.apiserver.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Go doc comments of upstream's types become OpenAPI descriptions as upstream's generator makes
 * them.
 */
class ProtoCommentsTest {
  static Stream<Arguments> descriptions() {
    return Stream.of(
        Arguments.of(
            "The deployment strategy to use to replace existing pods with new ones.\n"
                + "+optional\n+patchStrategy=retainKeys\n",
            "The deployment strategy to use to replace existing pods with new ones."),
        Arguments.of(
            "Label selector for pods. Existing ReplicaSets whose pods are\n"
                + "selected by this will be the ones affected by this deployment.\n"
                + "It must match the pod template's labels.\n",
            "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be"
                + " the ones affected by this deployment.\nIt must match the pod template's labels."),
        Arguments.of(
            "First paragraph\n\nSecond paragraph.\nTODO: not this\n---\nignored after the rule",
            "First paragraph\n\nSecond paragraph."));
  }

  @ParameterizedTest
  @MethodSource
  void descriptions(String comment, String description) {
    assertThat(ProtoComments.description(comment)).isEqualTo(description);
  }
}
