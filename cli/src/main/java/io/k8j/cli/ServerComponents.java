package io.k8j.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.k8j.apiserver.ApiServer;
import io.k8j.apiserver.ApiServerOptions;
import io.k8j.apiserver.auth.Identity;
import io.k8j.controllers.ControllerManager;
import io.k8j.controllers.ControllerManagerOptions;
import io.k8j.controllers.certificates.ClusterSigning;
import io.k8j.dns.service.KubeDnsService;
import io.k8j.scheduler.Scheduler;
import io.k8j.scheduler.SchedulerOptions;
import io.k8j.store.PrefixedStore;
import io.k8j.store.Store;
import io.k8j.store.embedded.EmbeddedStore;
import io.k8j.store.etcd.EtcdStore;
import io.k8j.store.etcd.EtcdStoreConfig;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts of a running server, started in order (store, API server, controller manager,
 * scheduler, then the node: kubelet and proxy) and closed in the reverse order. Every part after
 * the API server is its client, never the store's.
 */
final class ServerComponents implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServerComponents.class);
  private final Deque<AutoCloseable> started = new ArrayDeque<>();

  static ServerComponents start(ServerCommand cmd) throws Exception {
    ServerComponents c = new ServerComponents();
    try {
      Store store = c.add(openStore(cmd));
      ApiServer api =
          c.add(
              new ApiServer(
                  store,
                  ApiServerOptions.defaults(cmd.dataDir)
                      .withBindAddress(cmd.bindAddress)
                      .withPort(cmd.httpsPort)
                      .withServiceAccountAdmission(true)
                      .withEncryptionProviderConfig(cmd.encryptionProviderConfig)
                      .withAdmissionControlConfigFile(cmd.admissionControlConfigFile)
                      .withAudit(
                          new ApiServerOptions.AuditOptions(
                              cmd.auditPolicyFile,
                              cmd.auditLogPath,
                              cmd.auditLogMaxSize,
                              cmd.auditLogMaxAge,
                              cmd.auditLogMaxBackup))));
      api.start();
      LOG.info("API server ready at {}", api.url());
      Path kubeconfig = cmd.dataDir.resolve("admin.kubeconfig").toAbsolutePath();

      // every component is a client of the API server with its own identity, never the admin's
      ControllerManager controllers =
          c.add(
              new ControllerManager(
                  c.client(api, Identity.CONTROLLER_MANAGER),
                  controllerOptions(cmd),
                  ClusterSigning.read(
                          cmd.dataDir.resolve("pki/ca.crt"), cmd.dataDir.resolve("pki/ca.key"))
                      .withServiceAccountKey(cmd.dataDir.resolve("pki/sa.key"))));
      controllers.start();
      KubeDnsService kubeDns =
          c.add(
              new KubeDnsService(c.client(api, Identity.CONTROLLER_MANAGER), cmd.node.clusterDns));
      kubeDns.start();
      Scheduler scheduler =
          c.add(new Scheduler(c.client(api, Identity.SCHEDULER), SchedulerOptions.defaults()));
      scheduler.start();

      if (!cmd.disableAgent) {
        c.startNode(cmd, api);
      }
      System.out.printf(
          "%nk8j: the cluster's API server is at %s%n"
              + "k8j: to use it:  export KUBECONFIG=%s && kubectl get nodes%n%n",
          api.url(), kubeconfig);
      return c;
    } catch (Exception | Error e) {
      c.close();
      throw e;
    }
  }

  private void startNode(ServerCommand cmd, ApiServer api) throws Exception {
    add(
        NodeComponents.start(
            cmd.node, cmd.dataDir, identity -> api.pki().kubeconfigFor(identity, api.url())));
  }

  private static ControllerManagerOptions controllerOptions(ServerCommand cmd) {
    return ControllerManagerOptions.defaults().toBuilder()
        .clusterCidr(cmd.node.clusterCidr)
        .nodeCidrMaskSize(cmd.nodeCidrMaskSize)
        .nodeMonitorGracePeriod(cmd.nodeMonitorGracePeriod)
        .nodeMonitorPeriod(cmd.nodeMonitorPeriod)
        .build();
  }

  /** A client of the API server that authenticates with the identity's client certificate. */
  private KubernetesClient client(ApiServer api, Identity identity) {
    Config config = Config.fromKubeconfig(api.pki().kubeconfigFor(identity, api.url()));
    return add(new KubernetesClientBuilder().withConfig(config).build());
  }

  private static Store openStore(ServerCommand cmd) {
    String prefix = storePrefix(cmd.etcdPrefix);
    Store store;
    if (cmd.datastoreEndpoints.isEmpty()) {
      LOG.info(
          "store: embedded, in {}, keys under {}",
          cmd.dataDir.resolve("db").toAbsolutePath(),
          prefix);
      store = EmbeddedStore.open(cmd.dataDir.resolve("db"));
    } else {
      LOG.info("store: etcd at {}, keys under {}", cmd.datastoreEndpoints, prefix);
      store = EtcdStore.connect(EtcdStoreConfig.of(cmd.datastoreEndpoints));
    }
    return PrefixedStore.rewriting(store, "/registry", prefix);
  }

  /** The prefix as kube-apiserver takes it: leading slash added, trailing slashes dropped. */
  static String storePrefix(String flag) {
    String p = flag.strip();
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (p.isEmpty()) {
      throw new IllegalArgumentException(
          "--etcd-prefix must name a path such as /registry, not \"" + flag + "\"");
    }
    return p.startsWith("/") ? p : "/" + p;
  }

  private <T extends AutoCloseable> T add(T component) {
    started.push(component);
    return component;
  }

  @Override
  public void close() {
    while (!started.isEmpty()) {
      AutoCloseable c = started.pop();
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("closing {} failed: {}", c.getClass().getSimpleName(), e.toString());
      }
    }
  }
}
