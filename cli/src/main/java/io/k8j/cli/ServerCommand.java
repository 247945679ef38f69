package io.k8j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code k8j server}: starts a whole cluster on this machine, as far as its parts exist: the store
 * and, as they land, the API server, scheduler, controller manager, kubelet, proxy and DNS.
 */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    description = "Start a cluster on this machine (control plane and a node).")
final class ServerCommand implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(ServerCommand.class);
  private static volatile boolean running;

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

  static boolean isRunning() {
    return running;
  }

  @Override
  public void run() {
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
    } catch (Exception e) {
      running = false;
      throw new IllegalStateException("k8j server failed to start: " + e.getMessage(), e);
    }
  }
}
