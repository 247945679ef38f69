package io.k8j.scheduler;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.k8j.client.leaderelection.Campaign;
import io.k8j.client.leaderelection.ClientLeaseLock;
import io.k8j.client.leaderelection.LeaderElectionConfig;
import io.k8j.client.leaderelection.LeaderElector;
import io.k8j.scheduler.config.LeaderElection;
import io.k8j.scheduler.internal.SchedulerRuntime;
import io.k8j.scheduler.plugins.InTreeRegistry;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler: watches unscheduled pods whose {@code spec.schedulerName} is one of its profiles'
 * and binds each to a node chosen by the profile's plugins. Several copies may run against one API
 * server: with leader election on (the default) they compete for a Lease and only the holder
 * schedules; a copy that loses the lease stops scheduling and competes again. The election is the
 * client module's {@link LeaderElector}, as the controller manager's, renewing through a client of
 * its own so that busy informers never delay a renewal.
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
  private volatile boolean closed;

  /** Counts leadership changes: a start queued for an older term must not start scheduling. */
  private long term;

  private KubernetesClient electionClient;
  private Campaign campaign;

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
    synchronized (this) {
      electionClient = new KubernetesClientBuilder().withConfig(client.getConfiguration()).build();
      campaign =
          new Campaign(
              "scheduler-election",
              () ->
                  new LeaderElector(
                      new ClientLeaseLock(
                          electionClient, le.resourceNamespace(), le.resourceName()),
                      new LeaderElectionConfig(
                          options.identity(),
                          le.leaseDuration(),
                          le.renewDeadline(),
                          le.retryPeriod()),
                      options.clock()),
              new LeaderElector.Callbacks() {
                @Override
                public void onStartedLeading() {
                  long t = nextTerm();
                  // Starting waits for the informers to sync: not on the election's thread.
                  lifecycle.execute(() -> becomeLeader(t));
                }

                @Override
                public void onStoppedLeading() {
                  nextTerm();
                  log.info("scheduler {} stopped leading", options.identity());
                  stopRuntime();
                }
              });
      campaign.start();
    }
  }

  private synchronized long nextTerm() {
    return ++term;
  }

  private synchronized boolean isTerm(long t) {
    return term == t && !closed;
  }

  private void becomeLeader(long t) {
    if (!isTerm(t)) {
      return;
    }
    log.info("scheduler {} became the leader", options.identity());
    try {
      startRuntime();
    } catch (Exception e) {
      log.error("scheduler could not start scheduling; competing again", e);
      stopRuntime();
      Campaign c;
      synchronized (this) {
        c = campaign;
      }
      if (c != null) {
        c.restart();
      }
      return;
    }
    if (!isTerm(t)) {
      // The lease was lost (or the scheduler closed) while the informers synced.
      stopRuntime();
    }
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
    Campaign c;
    synchronized (this) {
      closed = true;
      c = campaign;
    }
    if (c != null) {
      c.close();
    }
    stopRuntime();
    lifecycle.shutdownNow();
    if (electionClient != null) {
      electionClient.close();
    }
  }
}
