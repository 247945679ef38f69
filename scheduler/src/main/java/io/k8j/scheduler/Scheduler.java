package io.k8j.scheduler;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.k8j.scheduler.config.LeaderElection;
import io.k8j.scheduler.internal.SchedulerRuntime;
import io.k8j.scheduler.plugins.InTreeRegistry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler: watches unscheduled pods whose {@code spec.schedulerName} is one of its profiles'
 * and binds each to a node chosen by the profile's plugins. Several copies may run against one API
 * server: with leader election on (the default) they compete for a Lease and only the holder
 * schedules; a copy that loses the lease stops scheduling and competes again.
 *
 * <pre>{@code
 * Scheduler s = new Scheduler(client, SchedulerOptions.defaults());
 * s.start();
 * ...
 * s.close();
 * }</pre>
 */
public final class Scheduler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Scheduler.class);

  private final KubernetesClient client;
  private final SchedulerOptions options;
  private final SchedulerMetrics metrics = new SchedulerMetrics();
  private final ExecutorService lifecycle =
      Executors.newSingleThreadExecutor(
          r -> Thread.ofPlatform().daemon().name("scheduler-lifecycle").unstarted(r));
  private volatile SchedulerRuntime runtime;
  private volatile CompletableFuture<?> election;
  private volatile boolean closed;

  public Scheduler(KubernetesClient client, SchedulerOptions options) {
    this.client = client;
    this.options = options;
  }

  /**
   * Starts: competes for leadership, or, with leader election off, starts scheduling at once (and
   * returns once the informers have synced).
   *
   * @throws IllegalStateException when scheduling cannot start (invalid plugin configuration, API
   *     server unreachable)
   */
  public void start() {
    LeaderElection le = options.configuration().leaderElection();
    if (!le.leaderElect()) {
      try {
        startRuntime();
      } catch (Exception e) {
        throw new IllegalStateException("starting the scheduler: " + e.getMessage(), e);
      }
      return;
    }
    campaign();
  }

  private void campaign() {
    if (closed) {
      return;
    }
    LeaderElection le = options.configuration().leaderElection();
    LeaderElectionConfig cfg =
        new LeaderElectionConfig(
            new LeaseLock(le.resourceNamespace(), le.resourceName(), options.identity()),
            le.leaseDuration(),
            le.renewDeadline(),
            le.retryPeriod(),
            new LeaderCallbacks(
                () -> lifecycle.execute(this::becomeLeader),
                () -> lifecycle.execute(this::stopLeading),
                leader -> log.info("scheduler leader is now {}", leader)),
            true,
            le.resourceName());
    LeaderElector elector = client.leaderElector().withConfig(cfg).build();
    election = elector.start();
    election.whenComplete((v, e) -> lifecycle.execute(this::campaignAgain));
  }

  private void campaignAgain() {
    if (!closed) {
      log.info("scheduler {} left the election; competing again", options.identity());
      campaign();
    }
  }

  private void becomeLeader() {
    if (closed) {
      return;
    }
    log.info("scheduler {} became the leader", options.identity());
    try {
      startRuntime();
    } catch (Exception e) {
      log.error("scheduler could not start scheduling", e);
      stopRuntime();
      CompletableFuture<?> el = election;
      if (el != null) {
        el.cancel(true);
      }
    }
  }

  private void stopLeading() {
    log.info("scheduler {} stopped leading", options.identity());
    stopRuntime();
  }

  private synchronized void startRuntime() throws Exception {
    if (runtime != null) {
      return;
    }
    SchedulerRuntime r =
        new SchedulerRuntime(
            client,
            options.configuration(),
            options.clock(),
            options.identity(),
            InTreeRegistry.plugins(),
            metrics);
    try {
      r.start();
    } catch (Exception e) {
      r.close();
      throw e;
    }
    runtime = r;
  }

  private synchronized void stopRuntime() {
    SchedulerRuntime r = runtime;
    runtime = null;
    if (r != null) {
      r.close();
    }
  }

  /** Whether this copy is scheduling now (it leads, or leader election is off). */
  public boolean isActive() {
    return runtime != null;
  }

  public SchedulerMetrics metrics() {
    return metrics;
  }

  public SchedulerOptions options() {
    return options;
  }

  @Override
  public void close() {
    closed = true;
    CompletableFuture<?> el = election;
    if (el != null) {
      el.cancel(true);
    }
    stopRuntime();
    lifecycle.shutdownNow();
  }
}
