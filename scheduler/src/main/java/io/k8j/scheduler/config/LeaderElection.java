package io.k8j.scheduler.config;

import java.time.Duration;

/** {@code leaderElection} of the configuration, with upstream's defaults. */
public record LeaderElection(
    boolean leaderElect,
    Duration leaseDuration,
    Duration renewDeadline,
    Duration retryPeriod,
    String resourceName,
    String resourceNamespace) {
  public static final LeaderElection DEFAULT =
      new LeaderElection(
          true,
          Duration.ofSeconds(15),
          Duration.ofSeconds(10),
          Duration.ofSeconds(2),
          "kube-scheduler",
          "kube-system");

  public LeaderElection withLeaderElect(boolean elect) {
    return new LeaderElection(
        elect, leaseDuration, renewDeadline, retryPeriod, resourceName, resourceNamespace);
  }
}
