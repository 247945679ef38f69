package io.k8j.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code k8j agent}: joins this machine to a cluster as a node and runs the node's parts (kubelet,
 * service proxy, DNS). The first start joins with a bootstrap token (see {@link NodeJoin}) and
 * keeps the node's credential in {@code <data-dir>/kubelet.kubeconfig}; later starts reuse it.
 */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description = {
      "Join this machine to a cluster as a node, and run its kubelet and service proxy.",
      "",
      "On the server:   k8j token create",
      "On this machine: k8j agent --server https://SERVER:6443 --token K10<hash>::<id>.<secret>",
      "",
      "The agent checks the server's CA against the token's CA hash, authenticates with the",
      "bootstrap token, gets a client certificate for system:node:<name> through a",
      "CertificateSigningRequest, and keeps it under --data-dir: later starts need no token."
    })
final class AgentCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(AgentCommand.class);
  private static volatile boolean running;

  @Option(
      names = "--server",
      paramLabel = "URL",
      description = "The API server to join, e.g. https://10.0.0.1:6443.")
  String server;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description = "The join token k8j token create printed (K10<ca-hash>::<id>.<secret>).")
  String token;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Where this node keeps its credential and state (default: ${DEFAULT-VALUE}).")
  Path dataDir = DataDirs.defaultAgentDir();

  @Option(
      names = "--join-timeout",
      paramLabel = "SECONDS",
      description = "How long to wait for the node's certificate (default: ${DEFAULT-VALUE}).")
  int joinTimeoutSeconds = 300;

  @Mixin NodeFlags node = new NodeFlags();

  @Mixin ConfigFile.Option configFile = new ConfigFile.Option();

  static boolean isRunning() {
    return running;
  }

  @Override
  public Integer call() throws InterruptedException {
    NodeComponents components;
    try {
      components = start();
    } catch (NodeJoin.JoinException | IllegalArgumentException e) {
      System.err.println("k8j agent: " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      LOG.debug("start-up failed", e);
      System.err.println("k8j agent: failed to start: " + ServerCommand.rootCauseMessage(e));
      return 1;
    }
    running = true;
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform()
                .name("k8j-agent-shutdown")
                .unstarted(
                    () -> {
                      LOG.info("stopping");
                      components.close();
                      stopped.countDown();
                    }));
    LOG.info("k8j agent running as node {}; data in {}", node.nodeName, dataDir.toAbsolutePath());
    System.out.printf(
        "%nk8j: node %s has joined; its credential is in %s%n%n",
        node.nodeName, kubeconfigFile().toAbsolutePath());
    stopped.await();
    return 0;
  }

  /** Joins if this machine has not joined yet, then starts the node's parts. */
  NodeComponents start() throws Exception {
    Files.createDirectories(dataDir);
    String kubeconfig = credential();
    return NodeComponents.start(node, dataDir, identity -> kubeconfig);
  }

  Path kubeconfigFile() {
    return dataDir.resolve("kubelet.kubeconfig");
  }

  /** The node's kubeconfig: the one kept from an earlier join, else a new join's. */
  private String credential() throws Exception {
    Path file = kubeconfigFile();
    if (Files.exists(file)) {
      LOG.info("reusing the node credential in {}", file);
      return Files.readString(file);
    }
    if (server == null || token == null) {
      throw new IllegalArgumentException(
          "this machine has not joined yet: give --server https://HOST:6443 and --token (from k8j"
              + " token create on the server)");
    }
    URI url;
    try {
      url = new URI(server);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("--server is not a URL: " + server);
    }
    JoinToken join = JoinToken.parse(token);
    String kubeconfig =
        NodeJoin.join(url, join, node.nodeName, Duration.ofSeconds(joinTimeoutSeconds));
    writePrivate(file, kubeconfig);
    LOG.info("joined {} as node {}; credential kept in {}", url, node.nodeName, file);
    return kubeconfig;
  }

  private static void writePrivate(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(
        tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, text);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }
}
