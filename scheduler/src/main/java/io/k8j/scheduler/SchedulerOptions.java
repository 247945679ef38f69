package io.k8j.scheduler;

import io.k8j.common.Clock;
import io.k8j.scheduler.config.ConfigurationLoader;
import io.k8j.scheduler.config.SchedulerConfiguration;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.UUID;

/**
 * How a {@link Scheduler} runs: its configuration (a KubeSchedulerConfiguration), the clock, and
 * its identity in leader election.
 */
public record SchedulerOptions(SchedulerConfiguration configuration, Clock clock, String identity) {

  /** Upstream's defaults: one profile, default-scheduler, leader election on. */
  public static SchedulerOptions defaults() {
    return new SchedulerOptions(SchedulerConfiguration.defaults(), Clock.SYSTEM, defaultIdentity());
  }

  /** The configuration read from a KubeSchedulerConfiguration YAML file. */
  public static SchedulerOptions fromFile(Path configFile) {
    return defaults().withConfiguration(ConfigurationLoader.load(configFile));
  }

  public SchedulerOptions withConfiguration(SchedulerConfiguration c) {
    return new SchedulerOptions(c, clock, identity);
  }

  /** Turns leader election on or off ({@code leaderElection.leaderElect}). */
  public SchedulerOptions withLeaderElect(boolean elect) {
    return withConfiguration(
        configuration.withLeaderElection(configuration.leaderElection().withLeaderElect(elect)));
  }

  public SchedulerOptions withClock(Clock c) {
    return new SchedulerOptions(configuration, c, identity);
  }

  public SchedulerOptions withIdentity(String id) {
    return new SchedulerOptions(configuration, clock, id);
  }

  /** Upstream's: the host name and a random UUID. */
  static String defaultIdentity() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      host = "localhost";
    }
    return host + "_" + UUID.randomUUID();
  }
}
