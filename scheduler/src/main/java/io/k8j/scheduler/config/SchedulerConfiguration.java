package io.k8j.scheduler.config;

import java.time.Duration;
import java.util.List;

/**
 * A KubeSchedulerConfiguration ({@code kubescheduler.config.k8s.io/v1}) with defaults applied and
 * profiles merged with the default plugins; read one with {@link ConfigurationLoader}.
 *
 * @param percentageOfNodesToScore 0 for upstream's adaptive percentage
 * @param podMaxInUnschedulablePodsDuration how long a pod stays among the unschedulable ones before
 *     it is tried again anyway (upstream's flag, 5 minutes)
 */
public record SchedulerConfiguration(
    int parallelism,
    int percentageOfNodesToScore,
    Duration podInitialBackoff,
    Duration podMaxBackoff,
    Duration podMaxInUnschedulablePodsDuration,
    LeaderElection leaderElection,
    List<Profile> profiles) {
  public SchedulerConfiguration {
    profiles = List.copyOf(profiles);
  }

  /** Upstream's defaults: one profile, {@code default-scheduler}, with the default plugins. */
  public static SchedulerConfiguration defaults() {
    return ConfigurationLoader.defaults();
  }

  public SchedulerConfiguration withLeaderElection(LeaderElection le) {
    return new SchedulerConfiguration(
        parallelism,
        percentageOfNodesToScore,
        podInitialBackoff,
        podMaxBackoff,
        podMaxInUnschedulablePodsDuration,
        le,
        profiles);
  }

  public SchedulerConfiguration withBackoff(Duration initial, Duration max) {
    return new SchedulerConfiguration(
        parallelism,
        percentageOfNodesToScore,
        initial,
        max,
        podMaxInUnschedulablePodsDuration,
        leaderElection,
        profiles);
  }

  public SchedulerConfiguration withParallelism(int p) {
    return new SchedulerConfiguration(
        p,
        percentageOfNodesToScore,
        podInitialBackoff,
        podMaxBackoff,
        podMaxInUnschedulablePodsDuration,
        leaderElection,
        profiles);
  }
}
