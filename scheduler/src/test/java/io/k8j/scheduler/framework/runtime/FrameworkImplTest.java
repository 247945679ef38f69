package io.k8j.scheduler.framework.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.k8j.scheduler.TestHandle;
import io.k8j.scheduler.cache.Snapshot;
import io.k8j.scheduler.framework.ClusterObjects;
import io.k8j.scheduler.framework.PodNominator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FrameworkImplTest {
  private static FrameworkImpl build(String yaml) {
    return TestHandle.framework(new Snapshot(), ClusterObjects.EMPTY, PodNominator.NONE, yaml);
  }

  @Test
  void defaultProfilePlacesPluginsAsUpstream() {
    Map<String, List<String>> p = build(null).listPlugins();
    assertThat(p.get("QueueSort")).containsExactly("PrioritySort");
    assertThat(p.get("PreEnqueue")).containsExactly("SchedulingGates");
    assertThat(p.get("PreFilter"))
        .containsExactly(
            "NodeAffinity",
            "NodePorts",
            "NodeResourcesFit",
            "VolumeBinding",
            "PodTopologySpread",
            "InterPodAffinity");
    assertThat(p.get("Filter"))
        .containsExactly(
            "NodeUnschedulable",
            "NodeName",
            "TaintToleration",
            "NodeAffinity",
            "NodePorts",
            "NodeResourcesFit",
            "VolumeBinding",
            "PodTopologySpread",
            "InterPodAffinity");
    assertThat(p.get("Reserve")).containsExactly("VolumeBinding");
    assertThat(p.get("PreBind")).containsExactly("VolumeBinding");
    assertThat(p.get("Reserve")).containsExactly("VolumeBinding");
    assertThat(p.get("PreBind")).containsExactly("VolumeBinding");
    assertThat(p.get("PostFilter")).containsExactly("DefaultPreemption");
    assertThat(p.get("Score"))
        .containsExactly(
            "TaintToleration:3",
            "NodeAffinity:2",
            "NodeResourcesFit:1",
            "PodTopologySpread:2",
            "InterPodAffinity:2",
            "NodeResourcesBalancedAllocation:1",
            "ImageLocality:1");
    assertThat(p.get("Bind")).containsExactly("DefaultBinder");
  }

  @Test
  void pointSettingsOverrideMultiPoint() {
    Map<String, List<String>> p =
        build(
                """
                apiVersion: kubescheduler.config.k8s.io/v1
                profiles:
                - plugins:
                    score:
                      enabled:
                      - name: ImageLocality
                        weight: 7
                      disabled:
                      - name: TaintToleration
                    filter:
                      disabled:
                      - name: NodePorts
                """)
            .listPlugins();
    assertThat(p.get("Score")).startsWith("ImageLocality:7").doesNotContain("TaintToleration:3");
    assertThat(p.get("Filter")).doesNotContain("NodePorts").contains("TaintToleration");
    assertThat(p.get("PreFilter")).contains("NodePorts");
  }

  @Test
  void disablingEverythingAtAPointLeavesOnlyWhatIsEnabledThere() {
    Map<String, List<String>> p =
        build(
                """
                apiVersion: kubescheduler.config.k8s.io/v1
                profiles:
                - plugins:
                    score:
                      disabled:
                      - name: '*'
                      enabled:
                      - name: NodeResourcesFit
                """)
            .listPlugins();
    assertThat(p.get("Score")).containsExactly("NodeResourcesFit:1");
  }

  @Test
  void rejectsUnknownAndMisplacedPlugins() {
    assertThatThrownBy(
            () ->
                build(
                    """
                    apiVersion: kubescheduler.config.k8s.io/v1
                    profiles:
                    - plugins:
                        filter:
                          enabled:
                          - name: NoSuchPlugin
                    """))
        .hasMessageContaining("plugin \"NoSuchPlugin\" does not exist");
    assertThatThrownBy(
            () ->
                build(
                    """
                    apiVersion: kubescheduler.config.k8s.io/v1
                    profiles:
                    - plugins:
                        score:
                          enabled:
                          - name: NodeName
                    """))
        .hasMessageContaining("plugin \"NodeName\" does not extend ScorePlugin");
    assertThatThrownBy(
            () ->
                build(
                    """
                    apiVersion: kubescheduler.config.k8s.io/v1
                    profiles:
                    - plugins:
                        multiPoint:
                          disabled:
                          - name: '*'
                    """))
        .hasMessageContaining("one queue sort plugin required");
  }

  @Test
  void invalidPluginArgsAreRejected() {
    assertThatThrownBy(
            () ->
                build(
                    """
                    apiVersion: kubescheduler.config.k8s.io/v1
                    profiles:
                    - pluginConfig:
                      - name: NodeResourcesFit
                        args:
                          scoringStrategy:
                            type: Random
                    """))
        .hasMessageContaining("scoringStrategy.type: Unsupported value: \"Random\"");
  }
}
