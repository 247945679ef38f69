package io.k8j.client.leaderelection;

import java.time.Duration;

/**
 * How a candidate competes, as client-go's {@code LeaderElectionConfig}.
 *
 * @param identity this candidate's name in the lease (unique among candidates)
 * @param leaseDuration how long others wait after the last renewal they saw before taking over
 * @param renewDeadline how long the leader keeps acting without a successful renewal; less than
 *     {@code leaseDuration}
 * @param retryPeriod how often candidates try to acquire, and the leader to renew
 */
public record LeaderElectionConfig(
    String identity, Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
  public LeaderElectionConfig {
    if (renewDeadline.compareTo(leaseDuration) >= 0) {
      throw new IllegalArgumentException("renewDeadline must be less than leaseDuration");
    }
    if (retryPeriod.compareTo(renewDeadline) >= 0) {
      throw new IllegalArgumentException("retryPeriod must be less than renewDeadline");
    }
  }

  /** The kube-controller-manager's defaults: 15 s lease, 10 s renew deadline, 2 s retry. */
  public static LeaderElectionConfig defaults(String identity) {
    return new LeaderElectionConfig(
        identity, Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));
  }
}
