package io.k8j.scheduler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.k8j.common.Clock;
import io.k8j.common.FakeClock;
import io.k8j.scheduler.cache.Snapshot;
import io.k8j.scheduler.config.ConfigurationLoader;
import io.k8j.scheduler.config.Profile;
import io.k8j.scheduler.framework.ClusterObjects;
import io.k8j.scheduler.framework.CycleState;
import io.k8j.scheduler.framework.EventRecorder;
import io.k8j.scheduler.framework.Handle;
import io.k8j.scheduler.framework.NodeInfo;
import io.k8j.scheduler.framework.Parallelizer;
import io.k8j.scheduler.framework.PodInfo;
import io.k8j.scheduler.framework.PodNominator;
import io.k8j.scheduler.framework.SharedLister;
import io.k8j.scheduler.framework.Status;
import io.k8j.scheduler.framework.WaitingPod;
import io.k8j.scheduler.framework.runtime.FrameworkContext;
import io.k8j.scheduler.framework.runtime.FrameworkImpl;
import io.k8j.scheduler.plugins.InTreeRegistry;
import io.k8j.scheduler.util.PodApi;
import java.util.List;
import java.util.concurrent.Executors;

/**
 * A {@link Handle} over a fixed snapshot, for plugin tests; {@link #framework} builds the default
 * profile's whole framework over the same snapshot (for the plugins that call back into it).
 */
public final class TestHandle implements Handle {
  private final Snapshot snapshot;
  private final ClusterObjects objects;
  private final FakeClock clock = new FakeClock();

  public TestHandle(Snapshot snapshot, ClusterObjects objects) {
    this.snapshot = snapshot;
    this.objects = objects;
  }

  public static TestHandle of(List<Node> nodes, List<Pod> pods) {
    return new TestHandle(Snapshot.of(nodes, pods), ClusterObjects.EMPTY);
  }

  /** The default profile (or the given KubeSchedulerConfiguration's first) over a snapshot. */
  public static FrameworkImpl framework(
      Snapshot snapshot, ClusterObjects objects, PodNominator nominator, String configYaml) {
    Profile p =
        configYaml == null
            ? ConfigurationLoader.defaults().profiles().get(0)
            : ConfigurationLoader.parse(configYaml).profiles().get(0);
    FrameworkContext ctx =
        new FrameworkContext(
            null,
            null,
            new FakeClock(),
            Parallelizer.SEQUENTIAL,
            objects,
            EventRecorder.DISCARD,
            nominator,
            () -> snapshot,
            Executors.newSingleThreadScheduledExecutor());
    return FrameworkImpl.create(p, InTreeRegistry.plugins(), ctx);
  }

  /** Runs pre-filter then filter for the pod on one node, as a cycle would. */
  public static Status filter(FrameworkImpl fwk, Pod pod, NodeInfo node) {
    CycleState state = new CycleState();
    PodInfo pi = PodInfo.of(pod);
    FrameworkImpl.PreFilterOutcome pre = fwk.runPreFilterPlugins(state, pi);
    if (!pre.status().isSuccess()) {
      return pre.status();
    }
    return fwk.runFilterPlugins(state, pi, node);
  }

  @Override
  public SharedLister snapshot() {
    return snapshot;
  }

  @Override
  public ClusterObjects objects() {
    return objects;
  }

  @Override
  public KubernetesClient client() {
    return null;
  }

  @Override
  public PodApi podApi() {
    return null;
  }

  @Override
  public Clock clock() {
    return clock;
  }

  @Override
  public Parallelizer parallelizer() {
    return Parallelizer.SEQUENTIAL;
  }

  @Override
  public EventRecorder events() {
    return EventRecorder.DISCARD;
  }

  @Override
  public PodNominator nominator() {
    return PodNominator.NONE;
  }

  @Override
  public String schedulerName() {
    return "default-scheduler";
  }

  @Override
  public Status runFilterPluginsWithNominatedPods(CycleState state, PodInfo pod, NodeInfo node) {
    throw new UnsupportedOperationException("use framework(...) for this");
  }

  @Override
  public Status runPreFilterExtensionAddPod(
      CycleState state, PodInfo toSchedule, PodInfo toAdd, NodeInfo node) {
    throw new UnsupportedOperationException("use framework(...) for this");
  }

  @Override
  public Status runPreFilterExtensionRemovePod(
      CycleState state, PodInfo toSchedule, PodInfo toRemove, NodeInfo node) {
    throw new UnsupportedOperationException("use framework(...) for this");
  }

  @Override
  public WaitingPod waitingPod(String uid) {
    return null;
  }
}
