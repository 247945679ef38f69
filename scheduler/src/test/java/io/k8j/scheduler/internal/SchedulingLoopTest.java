package io.k8j.scheduler.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SchedulingLoopTest {
  @ParameterizedTest(name = "{1} nodes at {0}% -> {2}")
  @CsvSource({
    "0, 50, 50",
    "0, 99, 99",
    "0, 100, 100",
    "0, 500, 230",
    "0, 1000, 420",
    "0, 5000, 500",
    "0, 6000, 300",
    "0, 10000, 500",
    "0, 1500, 570",
    "10, 500, 100",
    "10, 5000, 500",
    "100, 5000, 5000"
  })
  void numFeasibleNodesToFindAsUpstream(int percentage, int nodes, int expected) {
    assertThat(SchedulingLoop.numFeasibleNodesToFind(percentage, nodes)).isEqualTo(expected);
  }
}
