package io.k8j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code k8j server}: starts a whole cluster on this machine, as far as its parts exist: the store
 * and, as they land, the API server, scheduler, controller manager, kubelet, proxy and DNS.
 */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    description = "Start a cluster on this machine (control plane and a node).")
final class ServerCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ServerCommand.class);
  private static volatile boolean running;

  @picocli.CommandLine.Mixin ConfigFile.Option configFile = new ConfigFile.Option();

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Where the cluster keeps its state (default: ${DEFAULT-VALUE}).")
  Path dataDir = DataDirs.defaultServerDir();

  @Option(
      names = "--datastore-endpoint",
      paramLabel = "URLS",
      split = ",",
      description =
          "etcd client URLs (comma-separated) to keep the cluster state in, instead of the"
              + " embedded store.")
  List<String> datastoreEndpoints = new ArrayList<>();

  @Option(
      names = "--etcd-prefix",
      paramLabel = "PREFIX",
      description =
          "The prefix of every resource path in the store, as kube-apiserver's flag (default:"
              + " ${DEFAULT-VALUE}). Servers with different prefixes can share one etcd.")
  String etcdPrefix = "/registry";

  @Option(
      names = "--https-listen-port",
      paramLabel = "PORT",
      description = "The API server's HTTPS port (default: ${DEFAULT-VALUE}).")
  int httpsPort = 6443;

  @Option(
      names = "--bind-address",
      paramLabel = "ADDRESS",
      description = "The address the API server listens on (default: ${DEFAULT-VALUE}).")
  String bindAddress = "0.0.0.0";

  @Mixin NodeFlags node = new NodeFlags();

  @Option(
      names = "--node-cidr-mask-size",
      paramLabel = "BITS",
      description = "The prefix length of each node's pod range (default: ${DEFAULT-VALUE}).")
  int nodeCidrMaskSize = 24;

  @Option(
      names = "--node-monitor-grace-period",
      paramLabel = "DURATION",
      converter = GoDuration.class,
      description =
          "How long a node may go without a heartbeat before it is NotReady (default: 50s).")
  Duration nodeMonitorGracePeriod = Duration.ofSeconds(50);

  @Option(
      names = "--node-monitor-period",
      paramLabel = "DURATION",
      converter = GoDuration.class,
      description = "How often node health is checked (default: 5s).")
  Duration nodeMonitorPeriod = Duration.ofSeconds(5);

  @Option(
      names = "--disable-agent",
      description = "Run only the control plane: no kubelet and no proxy on this machine.")
  boolean disableAgent;

  @Option(
      names = "--encryption-provider-config",
      paramLabel = "FILE",
      description =
          "An EncryptionConfiguration (apiserver.config.k8s.io/v1) naming the resources to encrypt"
              + " at rest and their keys (aesgcm, aescbc, identity).")
  Path encryptionProviderConfig;

  @Option(
      names = "--admission-control-config-file",
      paramLabel = "FILE",
      description =
          "An AdmissionConfiguration (apiserver.config.k8s.io/v1) configuring admission plugins:"
              + " PodSecurity's defaults and exemptions (usernames, runtimeClasses, namespaces).")
  Path admissionControlConfigFile;

  @Option(
      names = "--audit-policy-file",
      paramLabel = "FILE",
      description = "An audit.k8s.io/v1 Policy: which requests are audited, and at what level.")
  Path auditPolicyFile;

  @Option(
      names = "--audit-log-path",
      paramLabel = "FILE",
      description = "Where audit events go, one JSON line each; - for standard output.")
  Path auditLogPath;

  @Option(
      names = "--audit-log-maxsize",
      paramLabel = "MB",
      description =
          "Rotate the audit log once it passes this many megabytes; 0 never (default: ${DEFAULT-VALUE}).")
  int auditLogMaxSize = 100;

  @Option(
      names = "--audit-log-maxage",
      paramLabel = "DAYS",
      description =
          "Remove rotated audit logs older than this many days; 0 never (default: ${DEFAULT-VALUE}).")
  int auditLogMaxAge;

  @Option(
      names = "--audit-log-maxbackup",
      paramLabel = "N",
      description = "Keep at most this many rotated audit logs; 0 all (default: ${DEFAULT-VALUE}).")
  int auditLogMaxBackup;

  static boolean isRunning() {
    return running;
  }

  @Override
  public Integer call() throws InterruptedException {
    try {
      Files.createDirectories(dataDir);
      ServerComponents components = ServerComponents.start(this);
      running = true;
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime()
          .addShutdownHook(
              Thread.ofPlatform()
                  .name("k8j-shutdown")
                  .unstarted(
                      () -> {
                        LOG.info("stopping");
                        components.close();
                        stopped.countDown();
                      }));
      LOG.info("k8j server running; data in {}", dataDir.toAbsolutePath());
      stopped.await();
      return 0;
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      running = false;
      LOG.debug("start-up failed", e);
      System.err.println("k8j server: failed to start: " + rootCauseMessage(e));
      return 1;
    }
  }

  /**
   * The whole chain of causes in one line, e.g. "Failed to bind to /0.0.0.0:6443: Address already
   * in use".
   */
  static String rootCauseMessage(Throwable e) {
    StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
    for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      if (c.getMessage() != null && !sb.toString().contains(c.getMessage())) {
        sb.append(": ").append(c.getMessage());
      }
    }
    return sb.toString();
  }
}
