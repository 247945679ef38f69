package io.k8j.scheduler.framework;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.k8j.common.Clock;
import io.k8j.scheduler.util.PodApi;

/**
 * What the framework of a profile offers its plugins: the cycle's snapshot, the cluster objects,
 * the API client, the clock, and the framework's own runs of the filters (for preemption).
 */
public interface Handle {
  /** The current cycle's nodes; valid during a scheduling cycle. */
  SharedLister snapshot();

  ClusterObjects objects();

  /** The API client; null in unit tests of plugins that do not call the API server. */
  KubernetesClient client();

  /**
   * The scheduler's writes to pods (bind, status, delete), shared so that their concurrency is
   * bounded; null where {@link #client()} is.
   */
  PodApi podApi();

  Clock clock();

  Parallelizer parallelizer();

  EventRecorder events();

  PodNominator nominator();

  /** The profile's scheduler name. */
  String schedulerName();

  /**
   * Runs the filters on {@code node} as the scheduling cycle does: once with the nominated pods of
   * equal or higher priority added, and once without.
   */
  Status runFilterPluginsWithNominatedPods(CycleState state, PodInfo pod, NodeInfo node);

  /** Tells the pre-filter extensions that {@code toAdd} is now on {@code node}. */
  Status runPreFilterExtensionAddPod(
      CycleState state, PodInfo toSchedule, PodInfo toAdd, NodeInfo node);

  /** Tells the pre-filter extensions that {@code toRemove} is no longer on {@code node}. */
  Status runPreFilterExtensionRemovePod(
      CycleState state, PodInfo toSchedule, PodInfo toRemove, NodeInfo node);

  /** The pod waiting at permit with this UID, or null. */
  WaitingPod waitingPod(String uid);
}
