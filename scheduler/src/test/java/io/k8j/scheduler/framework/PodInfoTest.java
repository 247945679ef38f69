package io.k8j.scheduler.framework;

import static io.k8j.scheduler.TestObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PodInfoTest {
  static Stream<Arguments> requests() {
    return Stream.of(
        Arguments.of("containers only", pod("p").cpu("1").build(), 1000, 1000),
        Arguments.of("no requests: zero, but 100m for scoring", pod("p").build(), 0, 100),
        Arguments.of(
            "an init container bigger than the containers",
            pod("p").cpu("1").initContainer("3", false).build(),
            3000,
            3000),
        Arguments.of(
            "a sidecar adds to the containers and to later init containers",
            pod("p").cpu("1").initContainer("500m", true).initContainer("2", false).build(),
            2500,
            2500),
        Arguments.of("overhead is added", pod("p").cpu("1").overhead("250m").build(), 1250, 1250),
        Arguments.of("millicores round up", pod("p").cpu("0.0005").build(), 1, 1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("requests")
  void cpuRequestsAsUpstream(String name, Pod pod, long cpu, long nonZeroCpu) {
    PodInfo p = PodInfo.of(pod);
    assertThat(p.requests().milliCpu()).isEqualTo(cpu);
    assertThat(p.nonZeroRequests().milliCpu()).isEqualTo(nonZeroCpu);
  }
}
