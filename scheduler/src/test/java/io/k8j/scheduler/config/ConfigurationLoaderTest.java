package io.k8j.scheduler.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigurationLoaderTest {
  @Test
  void defaultsAreUpstreams() {
    SchedulerConfiguration c = ConfigurationLoader.defaults();
    assertThat(c.parallelism()).isEqualTo(16);
    assertThat(c.percentageOfNodesToScore()).isZero();
    assertThat(c.podInitialBackoff()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.podMaxBackoff()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.podMaxInUnschedulablePodsDuration()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.leaderElection()).isEqualTo(LeaderElection.DEFAULT);
    assertThat(c.profiles()).hasSize(1);
    Profile p = c.profiles().get(0);
    assertThat(p.schedulerName()).isEqualTo("default-scheduler");
    assertThat(p.plugins().multiPoint().enabled())
        .contains(
            new PluginRef("TaintToleration", 3),
            new PluginRef("NodeAffinity", 2),
            new PluginRef("PodTopologySpread", 2),
            new PluginRef("InterPodAffinity", 2),
            new PluginRef("NodeResourcesFit", 1),
            new PluginRef("NodeResourcesBalancedAllocation", 1),
            new PluginRef("ImageLocality", 1),
            PluginRef.of("DefaultPreemption"),
            PluginRef.of("DefaultBinder"));
  }

  @Test
  void readsProfilesWeightsAndArgs() {
    SchedulerConfiguration c =
        ConfigurationLoader.parse(
            """
            apiVersion: kubescheduler.config.k8s.io/v1
            kind: KubeSchedulerConfiguration
            percentageOfNodesToScore: 30
            podInitialBackoffSeconds: 2
            podMaxBackoffSeconds: 20
            leaderElection:
              leaderElect: false
              leaseDuration: 30s
              resourceName: my-scheduler
            profiles:
            - schedulerName: default-scheduler
            - schedulerName: bin-packing
              percentageOfNodesToScore: 100
              plugins:
                score:
                  disabled:
                  - name: ImageLocality
                  enabled:
                  - name: NodeResourcesFit
                    weight: 5
              pluginConfig:
              - name: NodeResourcesFit
                args:
                  scoringStrategy:
                    type: MostAllocated
            """);
    assertThat(c.percentageOfNodesToScore()).isEqualTo(30);
    assertThat(c.podInitialBackoff()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.podMaxBackoff()).isEqualTo(Duration.ofSeconds(20));
    assertThat(c.leaderElection().leaderElect()).isFalse();
    assertThat(c.leaderElection().leaseDuration()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.leaderElection().resourceName()).isEqualTo("my-scheduler");
    assertThat(c.profiles())
        .extracting(Profile::schedulerName)
        .containsExactly("default-scheduler", "bin-packing");
    Profile bp = c.profiles().get(1);
    assertThat(bp.percentageOfNodesToScore()).isEqualTo(100);
    assertThat(bp.plugins().at(ExtensionPoint.SCORE).enabled())
        .containsExactly(new PluginRef("NodeResourcesFit", 5));
    assertThat(bp.plugins().at(ExtensionPoint.SCORE).disabled()).containsExactly("ImageLocality");
    assertThat(
            bp.pluginConfig().get("NodeResourcesFit").path("scoringStrategy").path("type").asText())
        .isEqualTo("MostAllocated");
  }

  @Test
  void mergeKeepsDefaultOrderReplacesReconfiguredAndAppendsNew() {
    PluginSet defaults =
        new PluginSet(
            List.of(PluginRef.of("A"), new PluginRef("B", 2), PluginRef.of("C")), List.of());
    PluginSet custom =
        new PluginSet(List.of(PluginRef.of("D"), new PluginRef("B", 7)), List.of("C"));
    PluginSet merged = ConfigurationLoader.mergeSet(defaults, custom);
    assertThat(merged.enabled())
        .containsExactly(PluginRef.of("A"), new PluginRef("B", 7), PluginRef.of("D"));
    assertThat(merged.disabled()).containsExactly("C");
    PluginSet all =
        ConfigurationLoader.mergeSet(
            defaults, new PluginSet(List.of(PluginRef.of("E")), List.of("*")));
    assertThat(all.enabled()).containsExactly(PluginRef.of("E"));
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("apiVersion: kubescheduler.config.k8s.io/v1beta3\n", "apiVersion must be"),
        Arguments.of(
            "apiVersion: kubescheduler.config.k8s.io/v1\nfoo: 1\n", "unknown field \"foo\""),
        Arguments.of(
            "apiVersion: kubescheduler.config.k8s.io/v1\npercentageOfNodesToScore: 101\n",
            "percentageOfNodesToScore: Invalid value: 101"),
        Arguments.of(
            "apiVersion: kubescheduler.config.k8s.io/v1\npodInitialBackoffSeconds: 5\npodMaxBackoffSeconds: 2\n",
            "podMaxBackoffSeconds"),
        Arguments.of(
            "apiVersion: kubescheduler.config.k8s.io/v1\nprofiles:\n- schedulerName: a\n- schedulerName: a\n",
            "profiles[1].schedulerName: Duplicate value: \"a\""),
        Arguments.of(
            "apiVersion: kubescheduler.config.k8s.io/v1\nprofiles:\n- plugins:\n    score:\n      enabled:\n      - name: X\n        weight: -1\n",
            "weight: Invalid value: -1"));
  }

  @ParameterizedTest
  @MethodSource("invalid")
  void rejectsInvalidConfigurations(String yaml, String message) {
    assertThatThrownBy(() -> ConfigurationLoader.parse(yaml))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void goDurations() {
    assertThat(GoDuration.parse("15s")).isEqualTo(Duration.ofSeconds(15));
    assertThat(GoDuration.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(GoDuration.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThatThrownBy(() -> GoDuration.parse("15")).isInstanceOf(IllegalArgumentException.class);
  }
}
