package io.k8j.proxy;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.k8j.client.Informer;
import io.k8j.client.SharedInformers;
import io.k8j.client.impl.ClientObjectWriter;
import io.k8j.proxy.exec.CommandRunner;
import io.k8j.proxy.iptables.IptablesConfig;
import io.k8j.proxy.iptables.IptablesProxier;
import io.k8j.proxy.model.Proxier;
import io.k8j.proxy.model.ProxyState;
import io.k8j.proxy.model.ProxyStateBuilder;
import io.k8j.proxy.model.SyncSummary;
import io.k8j.proxy.servicelb.LoadBalancerStatusController;
import io.k8j.proxy.userspace.UserspaceProxier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service proxy of one node (kube-proxy): watches Services and EndpointSlices and makes this
 * node route each Service's virtual addresses (cluster IP, node ports, load-balancer ingress,
 * external IPs) to its ready endpoints, with iptables rules or a userspace proxy ({@link
 * ProxyMode}). Also acts as ServiceLB unless {@link ProxyOptions#loadBalancerStatus} is off.
 *
 * <pre>{@code
 * ServiceProxy proxy = new ServiceProxy(client, ProxyOptions.defaults("node-1", List.of("192.168.1.10"))
 *     .withClusterCidr("10.42.0.0/16"));
 * proxy.start();
 * ...
 * proxy.close();   // removes its rules and listeners
 * }</pre>
 */
public final class ServiceProxy implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceProxy.class);

  private final KubernetesClient client;
  private final ProxyOptions options;
  private final SharedInformers informers;
  private final Informer<Service> services;
  private final Informer<EndpointSlice> slices;
  private final SyncRunner runner;
  private LoadBalancerStatusController loadBalancers;
  private ProxyMode mode;
  private Proxier proxier;
  private ProxyState applied;
  private boolean needFullSync = true;
  private long lastFullSync;
  private int failures;
  private volatile long syncs;
  private volatile boolean started;

  public ServiceProxy(KubernetesClient client, ProxyOptions options) {
    this.client = client;
    this.options = options;
    this.informers = new SharedInformers(client);
    this.services = informers.forType(Service.class);
    this.slices = informers.forType(EndpointSlice.class);
    this.runner =
        new SyncRunner(
            "service-proxy-sync", options.minSyncPeriod(), options.syncPeriod(), this::syncOnce);
  }

  /**
   * Chooses the mode (for {@link ProxyMode#AUTO}: iptables when root and iptables works, else
   * userspace), starts watching and returns; the first sync follows once the caches are loaded.
   */
  public synchronized void start() {
    CommandRunner commands = CommandRunner.host(options.netns());
    mode = resolveMode(options, commands);
    proxier =
        switch (mode) {
          case IPTABLES ->
              new IptablesProxier(
                  commands,
                  options.iptablesCommand(),
                  new IptablesConfig(
                      options.clusterCidr(),
                      options.masqueradeAll(),
                      14,
                      options.localhostNodePorts(),
                      true,
                      true));
          case USERSPACE ->
              new UserspaceProxier(
                  new UserspaceProxier.Config(
                      options.nodeAddresses(),
                      options.userspaceClusterIpAddress(),
                      options.localhostNodePorts(),
                      options.udpIdleTimeout(),
                      Duration.ofSeconds(5),
                      options.clock()));
          case AUTO -> throw new IllegalStateException("unresolved mode");
        };
    ResourceEventHandler<Object> changed =
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Object obj) {
            runner.request();
          }

          @Override
          public void onUpdate(Object oldObj, Object newObj) {
            runner.request();
          }

          @Override
          public void onDelete(Object obj, boolean unknown) {
            runner.request();
          }
        };
    services.addEventHandler(changed);
    slices.addEventHandler(changed);
    if (options.loadBalancerStatus()) {
      Informer<Node> nodes = informers.forType(Node.class);
      loadBalancers =
          new LoadBalancerStatusController(
              services,
              nodes,
              new ClientObjectWriter(client),
              options.nodeName(),
              options.nodeAddresses(),
              options.clock());
      loadBalancers.start();
    }
    informers.start();
    runner.start();
    started = true;
    LOG.info(
        "service proxy on node {} in {} mode{}",
        options.nodeName(),
        mode,
        options.netns() == null ? "" : " (network namespace " + options.netns() + ")");
  }

  /** The mode chosen at {@link #start}; null before. */
  public synchronized ProxyMode mode() {
    return mode;
  }

  /** How many syncs have succeeded; the node routes the cluster's Services once this is > 0. */
  public long successfulSyncs() {
    return syncs;
  }

  static ProxyMode resolveMode(ProxyOptions options, CommandRunner commands) {
    if (options.mode() != ProxyMode.AUTO) {
      return options.mode();
    }
    if (isRoot() && IptablesProxier.usable(commands, options.iptablesCommand())) {
      return ProxyMode.IPTABLES;
    }
    return ProxyMode.USERSPACE;
  }

  private static boolean isRoot() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return line.split("\\s+")[2].equals("0");
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }

  private void syncOnce() {
    if (!services.hasSynced() || !slices.hasSynced()) {
      runner.retryAfter(Duration.ofMillis(100));
      return;
    }
    ProxyState state =
        ProxyStateBuilder.build(
            services.lister().list(), slices.lister().list(), options.nodeName());
    long start = System.nanoTime();
    boolean full = needFullSync || start - lastFullSync >= options.syncPeriod().toNanos();
    if (!full && applied != null && state.changedServices(applied).isEmpty()) {
      return;
    }
    try {
      SyncSummary s = proxier.sync(state, full);
      long millis = (System.nanoTime() - start) / 1_000_000;
      String line =
          String.format(
              "%s sync%s: %d service ports, %d endpoints, %d services changed; %s; %d ms",
              mode,
              full ? " (full)" : "",
              s.servicePorts(),
              s.endpoints(),
              s.changedServices(),
              s.details(),
              millis);
      if (s.changedServices() > 0 || failures > 0 || syncs == 0) {
        LOG.info(line);
      } else {
        LOG.debug(line);
      }
      applied = state;
      needFullSync = false;
      failures = 0;
      if (full) {
        lastFullSync = start;
      }
      syncs++;
    } catch (Exception e) {
      needFullSync = true;
      failures++;
      Duration retry = retryDelay();
      LOG.warn("{} sync failed (retry in {} ms): {}", mode, retry.toMillis(), e.getMessage());
      runner.retryAfter(retry);
    }
  }

  /** The min-sync-period doubled per failure in a row, at most the sync-period. */
  private Duration retryDelay() {
    Duration d =
        options.minSyncPeriod().isZero() ? Duration.ofMillis(100) : options.minSyncPeriod();
    for (int i = 1; i < failures && d.compareTo(options.syncPeriod()) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(options.syncPeriod()) > 0 ? options.syncPeriod() : d;
  }

  /** Stops watching and removes every rule and listener this proxy installed. */
  @Override
  public synchronized void close() {
    if (!started) {
      informers.close();
      return;
    }
    started = false;
    if (loadBalancers != null) {
      loadBalancers.close();
    }
    runner.close();
    informers.close();
    proxier.close();
    LOG.info("service proxy on node {} stopped", options.nodeName());
  }
}
