package io.k8j.controllers;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.k8j.client.SharedInformers;
import io.k8j.client.events.ClientEventSink;
import io.k8j.client.events.EventBroadcaster;
import io.k8j.client.events.EventRecorder;
import io.k8j.client.impl.ClientDynamicClient;
import io.k8j.client.impl.ClientObjectWriter;
import io.k8j.client.leaderelection.Campaign;
import io.k8j.client.leaderelection.ClientLeaseLock;
import io.k8j.client.leaderelection.LeaderElectionConfig;
import io.k8j.client.leaderelection.LeaderElector;
import io.k8j.controllers.bootstrap.TokenCleaner;
import io.k8j.controllers.certificates.CertificateSigner;
import io.k8j.controllers.certificates.ClusterSigning;
import io.k8j.controllers.certificates.CsrApprovingController;
import io.k8j.controllers.certificates.CsrSigningController;
import io.k8j.controllers.deployment.DeploymentController;
import io.k8j.controllers.endpoint.EndpointsController;
import io.k8j.controllers.endpointslice.EndpointSliceController;
import io.k8j.controllers.garbagecollector.GarbageCollector;
import io.k8j.controllers.job.JobController;
import io.k8j.controllers.namespace.NamespaceController;
import io.k8j.controllers.nodeipam.NodeIpamController;
import io.k8j.controllers.nodelifecycle.NodeLifecycleController;
import io.k8j.controllers.podgc.PodGcController;
import io.k8j.controllers.replicaset.ReplicaSetController;
import io.k8j.controllers.replicaset.ReplicaSetKind;
import io.k8j.controllers.rootcacert.RootCaCertPublisher;
import io.k8j.controllers.serviceaccount.LegacyTokenSigner;
import io.k8j.controllers.serviceaccount.ServiceAccountsController;
import io.k8j.controllers.serviceaccount.TokensController;
import io.k8j.controllers.tainteviction.TaintEvictionController;
import io.k8j.controllers.ttlafterfinished.TtlAfterFinishedController;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller manager: runs the enabled controllers while it holds the {@code
 * kube-system/kube-controller-manager} Lease (or always, without leader election). Losing the lease
 * stops every controller and their informers; the manager then campaigns again and, once it leads
 * again, starts them afresh from the API server's state.
 *
 * <pre>{@code
 * ControllerManager cm = new ControllerManager(client, ControllerManagerOptions.defaults());
 * cm.start();
 * ...
 * cm.close();
 * }</pre>
 */
public final class ControllerManager implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ControllerManager.class);

  /** What a controller needs; one per leadership term. */
  record Context(
      KubernetesClient client,
      ControllerManagerOptions options,
      SharedInformers informers,
      ClientObjectWriter writer,
      ClientDynamicClient dynamic,
      EventBroadcaster events,
      ClusterSigning signing) {
    EventRecorder recorder(String component) {
      return events.newRecorder(component, null);
    }
  }

  private static final Map<String, Function<Context, AutoCloseable>> CONTROLLERS = registry();

  /** Every controller this manager can run, by upstream's names. */
  public static final Set<String> ALL = Set.copyOf(CONTROLLERS.keySet());

  private static Map<String, Function<Context, AutoCloseable>> registry() {
    Map<String, Function<Context, AutoCloseable>> m = new LinkedHashMap<>();
    m.put(
        "replicaset-controller",
        c -> {
          var rs =
              new ReplicaSetController(
                  ReplicaSetKind.REPLICA_SET,
                  c.informers(),
                  c.writer(),
                  c.writer(),
                  c.recorder("replicaset-controller"),
                  c.options().clock());
          rs.start(c.options().concurrentReplicaSetSyncs());
          return rs;
        });
    m.put(
        "replicationcontroller-controller",
        c -> {
          var rc =
              new ReplicaSetController(
                  ReplicaSetKind.REPLICATION_CONTROLLER,
                  c.informers(),
                  c.writer(),
                  c.writer(),
                  c.recorder("replication-controller"),
                  c.options().clock());
          rc.start(c.options().concurrentRcSyncs());
          return rc;
        });
    m.put(
        "deployment-controller",
        c -> {
          var d =
              new DeploymentController(
                  c.informers(),
                  c.writer(),
                  c.writer(),
                  c.recorder("deployment-controller"),
                  c.options().clock());
          d.start(c.options().concurrentDeploymentSyncs());
          return d;
        });
    m.put(
        "garbage-collector-controller",
        c -> {
          var gc =
              new GarbageCollector(
                  c.informers(),
                  c.dynamic(),
                  c.options().clock(),
                  c.options().garbageCollectorResyncPeriod());
          gc.start(c.options().concurrentGcSyncs());
          return gc;
        });
    m.put(
        "namespace-controller",
        c -> {
          var ns =
              new NamespaceController(
                  c.informers(),
                  c.writer(),
                  c.writer(),
                  c.dynamic(),
                  c.options().clock(),
                  c.options().namespaceSyncPeriod());
          ns.start(c.options().concurrentNamespaceSyncs());
          return ns;
        });
    m.put(
        "node-lifecycle-controller",
        c -> {
          ControllerManagerOptions o = c.options();
          var nl =
              new NodeLifecycleController(
                  c.informers(),
                  c.writer(),
                  c.writer(),
                  c.recorder("node-controller"),
                  o.clock(),
                  new NodeLifecycleController.Settings(
                      o.nodeMonitorPeriod(),
                      o.nodeMonitorGracePeriod(),
                      o.nodeStartupGracePeriod(),
                      o.nodeEvictionRate(),
                      o.secondaryNodeEvictionRate(),
                      o.largeClusterSizeThreshold(),
                      o.unhealthyZoneThreshold()));
          nl.start(1);
          return nl;
        });
    m.put(
        "node-ipam-controller",
        c -> {
          ControllerManagerOptions o = c.options();
          if (!o.allocateNodeCidrs()) {
            return () -> {};
          }
          var ipam =
              new NodeIpamController(
                  c.informers(),
                  c.writer(),
                  c.recorder("node-ipam-controller"),
                  o.clock(),
                  o.clusterCidr(),
                  o.nodeCidrMaskSize());
          ipam.start();
          return ipam;
        });
    m.put(
        "taint-eviction-controller",
        c -> {
          var te =
              new TaintEvictionController(
                  c.informers(),
                  c.writer(),
                  c.recorder("taint-eviction-controller"),
                  c.options().clock());
          te.start(8);
          return te;
        });
    m.put(
        "endpoints-controller",
        c -> {
          var ep =
              new EndpointsController(
                  c.informers(),
                  c.writer(),
                  c.recorder("endpoint-controller"),
                  c.options().clock());
          ep.start(c.options().concurrentEndpointSyncs());
          return ep;
        });
    m.put(
        "endpointslice-controller",
        c -> {
          var es =
              new EndpointSliceController(
                  c.informers(),
                  c.writer(),
                  c.recorder("endpoint-slice-controller"),
                  c.options().clock());
          es.start(c.options().concurrentServiceEndpointSyncs());
          return es;
        });
    m.put(
        "serviceaccount-controller",
        c -> {
          var sa = new ServiceAccountsController(c.informers(), c.writer(), c.options().clock());
          sa.start(c.options().concurrentServiceAccountSyncs());
          return sa;
        });
    m.put(
        "ttl-after-finished-controller",
        c -> {
          var ttl =
              new TtlAfterFinishedController(
                  c.informers(), c.writer(), c.writer(), c.options().clock());
          ttl.start(c.options().concurrentTtlSyncs());
          return ttl;
        });
    m.put(
        "pod-garbage-collector-controller",
        c -> {
          var gc =
              new PodGcController(
                  c.informers(),
                  c.writer(),
                  c.writer(),
                  c.options().clock(),
                  c.options().terminatedPodGcThreshold(),
                  c.options().podGcPeriod());
          gc.start();
          return gc;
        });
    m.put(
        "job-controller",
        c -> {
          var job =
              new JobController(
                  c.informers(),
                  c.writer(),
                  c.writer(),
                  c.recorder("job-controller"),
                  c.options().clock());
          job.start(c.options().concurrentJobSyncs());
          return job;
        });
    m.put(
        "certificatesigningrequest-approving-controller",
        c -> {
          var a = new CsrApprovingController(c.informers(), c.writer(), c.options().clock());
          a.start(5);
          return a;
        });
    m.put(
        "certificatesigningrequest-signing-controller",
        c -> {
          if (c.signing() == null) {
            LOG.info("no cluster signing CA given: CertificateSigningRequests are not signed");
            return () -> {};
          }
          var s =
              new CsrSigningController(
                  c.informers(),
                  c.writer(),
                  new CertificateSigner(c.signing()),
                  c.options().clock());
          s.start(5);
          return s;
        });
    m.put(
        "root-ca-certificate-publisher-controller",
        c -> {
          if (c.signing() == null) {
            LOG.info("no root CA given: kube-root-ca.crt config maps are not published");
            return () -> {};
          }
          var p =
              new RootCaCertPublisher(
                  c.informers(), c.writer(), c.signing().caPem(), c.options().clock());
          p.start(5);
          return p;
        });
    m.put(
        "serviceaccount-token-controller",
        c -> {
          if (c.signing() == null || c.signing().serviceAccountKey() == null) {
            LOG.info("no service account key given: token Secrets are not filled");
            return () -> {};
          }
          var t =
              new TokensController(
                  c.informers(),
                  c.writer(),
                  (ns, name) -> c.client().serviceAccounts().inNamespace(ns).withName(name).get(),
                  new LegacyTokenSigner(c.signing().serviceAccountKey()),
                  c.signing().caPem(),
                  c.options().clock());
          t.start(5);
          return t;
        });
    m.put(
        "token-cleaner-controller",
        c -> {
          var t = new TokenCleaner(c.informers(), c.writer(), c.options().clock());
          t.start(1);
          return t;
        });
    return m;
  }

  private final KubernetesClient client;
  private final ControllerManagerOptions options;
  private final ClusterSigning signing;
  private Term term;
  private KubernetesClient electionClient;
  private Campaign campaign;
  private volatile boolean closed;

  public ControllerManager(KubernetesClient client, ControllerManagerOptions options) {
    this(client, options, null);
  }

  /**
   * A manager whose certificate controllers sign with, and publish, the cluster CA {@code signing}
   * (null: no signing, no kube-root-ca.crt).
   */
  public ControllerManager(
      KubernetesClient client, ControllerManagerOptions options, ClusterSigning signing) {
    this.client = client;
    this.options = options;
    this.signing = signing;
    for (String name : options.controllers()) {
      if (!CONTROLLERS.containsKey(name)) {
        throw new IllegalArgumentException("unknown controller " + name + "; known: " + ALL);
      }
    }
  }

  /** Starts campaigning (or, without leader election, the controllers); returns at once. */
  public synchronized void start() {
    if (!options.leaderElect()) {
      startTerm();
      return;
    }
    // As upstream, the lease is renewed through a client of its own, so that informers busy with
    // large lists never delay a renewal.
    electionClient = new KubernetesClientBuilder().withConfig(client.getConfiguration()).build();
    campaign =
        new Campaign(
            "controller-manager-election",
            () ->
                new LeaderElector(
                    new ClientLeaseLock(
                        electionClient, options.leaseNamespace(), options.leaseName()),
                    new LeaderElectionConfig(
                        options.identity(),
                        options.leaseDuration(),
                        options.renewDeadline(),
                        options.retryPeriod()),
                    options.clock()),
            new LeaderElector.Callbacks() {
              @Override
              public void onStartedLeading() {
                startTerm();
              }

              @Override
              public void onStoppedLeading() {
                stopTerm();
              }
            });
    campaign.start();
  }

  /** Whether this instance runs the controllers now. */
  public synchronized boolean isLeading() {
    return term != null;
  }

  private synchronized void startTerm() {
    if (closed || term != null) {
      return;
    }
    term = new Term();
    term.start();
  }

  private synchronized void stopTerm() {
    if (term != null) {
      term.close();
      term = null;
    }
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
    stopTerm();
    if (electionClient != null) {
      electionClient.close();
    }
  }

  /** One leadership term: informers, event writer and controllers, started and stopped together. */
  private final class Term implements AutoCloseable {
    private final SharedInformers informers = new SharedInformers(client);
    private final EventBroadcaster events =
        new EventBroadcaster(new ClientEventSink(client), options.clock());
    private final List<AutoCloseable> controllers = new ArrayList<>();

    void start() {
      Context ctx =
          new Context(
              client,
              options,
              informers,
              new ClientObjectWriter(client),
              new ClientDynamicClient(client),
              events,
              signing);
      for (var e : CONTROLLERS.entrySet()) {
        if (!options.controllers().contains(e.getKey())) {
          continue;
        }
        controllers.add(e.getValue().apply(ctx));
        LOG.info("Started controller {}", e.getKey());
      }
      informers.start();
    }

    @Override
    public void close() {
      for (AutoCloseable c : controllers.reversed()) {
        try {
          c.close();
        } catch (Exception e) {
          LOG.warn("stopping a controller failed: {}", e.toString());
        }
      }
      informers.close();
      events.close();
      LOG.info("Stopped {} controllers", controllers.size());
    }
  }
}
