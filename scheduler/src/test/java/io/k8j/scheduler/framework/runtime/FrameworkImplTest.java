package io.k8j.scheduler.framework.runtime;

import static io.k8j.scheduler.TestObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.k8j.common.FakeClock;
import io.k8j.scheduler.TestHandle;
import io.k8j.scheduler.cache.Snapshot;
import io.k8j.scheduler.config.ConfigurationLoader;
import io.k8j.scheduler.config.Profile;
import io.k8j.scheduler.framework.ClusterObjects;
import io.k8j.scheduler.framework.CycleState;
import io.k8j.scheduler.framework.EventRecorder;
import io.k8j.scheduler.framework.Parallelizer;
import io.k8j.scheduler.framework.PermitPlugin;
import io.k8j.scheduler.framework.PluginFactory;
import io.k8j.scheduler.framework.PodInfo;
import io.k8j.scheduler.framework.PodNominator;
import io.k8j.scheduler.framework.Status;
import io.k8j.scheduler.plugins.InTreeRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
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

  /**
   * A permit plugin that holds every pod, for the permit tests: pod "c" for 200 ms, to time out;
   * the others for 10 minutes, so that a test thread slowed down on a loaded machine still allows
   * or rejects them before their timer does.
   */
  static final class Holding implements PermitPlugin {
    @Override
    public String name() {
      return "Holding";
    }

    @Override
    public Result permit(CycleState state, PodInfo pod, String nodeName) {
      return Result.waitFor(
          pod.name().equals("c") ? Duration.ofMillis(200) : Duration.ofMinutes(10));
    }
  }

  private static FrameworkImpl withHolding() {
    Map<String, PluginFactory> registry = new HashMap<>(InTreeRegistry.plugins());
    registry.put("Holding", (args, h) -> new Holding());
    Profile p =
        ConfigurationLoader.parse(
                """
                apiVersion: kubescheduler.config.k8s.io/v1
                profiles:
                - plugins:
                    permit:
                      enabled:
                      - name: Holding
                """)
            .profiles()
            .get(0);
    Snapshot snap = new Snapshot();
    return FrameworkImpl.create(
        p,
        registry,
        new FrameworkContext(
            null,
            null,
            new FakeClock(),
            Parallelizer.SEQUENTIAL,
            ClusterObjects.EMPTY,
            EventRecorder.DISCARD,
            PodNominator.NONE,
            () -> snap,
            Executors.newSingleThreadScheduledExecutor()));
  }

  @Test
  void permitWaitsUntilAllowedRejectedOrTimedOut() {
    FrameworkImpl f = withHolding();
    PodInfo a = PodInfo.of(pod("a").build());
    assertThat(f.runPermitPlugins(new CycleState(), a, "n").code()).isEqualTo(Status.Code.WAIT);
    f.waitingPod(a.uid()).allow("Holding");
    assertThat(f.waitOnPermit(a).isSuccess()).isTrue();

    PodInfo b = PodInfo.of(pod("b").build());
    f.runPermitPlugins(new CycleState(), b, "n");
    f.waitingPod(b.uid()).reject("Holding", "no room");
    Status rejected = f.waitOnPermit(b);
    assertThat(rejected.code()).isEqualTo(Status.Code.UNSCHEDULABLE);
    assertThat(rejected.message()).isEqualTo("no room");

    PodInfo c = PodInfo.of(pod("c").build());
    f.runPermitPlugins(new CycleState(), c, "n");
    Status timedOut = f.waitOnPermit(c);
    assertThat(timedOut.code()).isEqualTo(Status.Code.UNSCHEDULABLE);
    assertThat(timedOut.message()).contains("rejected due to timeout");
    assertThat(f.waitingPod(c.uid())).isNull();
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
