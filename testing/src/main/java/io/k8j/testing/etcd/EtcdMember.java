package io.k8j.testing.etcd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One etcd process of an {@link EtcdCluster}. Its data directory outlives the process, so that a
 * stopped or killed member restarts with what it had, as a real member does after a crash.
 */
public final class EtcdMember {
  private static final Logger LOG = LoggerFactory.getLogger(EtcdMember.class);
  private static final long STOP_GRACE_SECONDS = 10;

  private final String name;
  private final int clientPort;
  private final int peerPort;
  private final Path logFile;
  private final MemberProbe probe;
  private List<String> command;
  private Process process;
  private boolean wanted;

  EtcdMember(String name, int clientPort, int peerPort, Path logFile) {
    this.name = name;
    this.clientPort = clientPort;
    this.peerPort = peerPort;
    this.logFile = logFile;
    this.probe = new MemberProbe(clientEndpoint());
  }

  public String name() {
    return name;
  }

  /** The URL clients connect to, {@code http://127.0.0.1:<port>}. */
  public String clientEndpoint() {
    return "http://127.0.0.1:" + clientPort;
  }

  /** The URL the other members reach this one at. */
  public String peerUrl() {
    return "http://127.0.0.1:" + peerPort;
  }

  /** Where this member's output goes, across restarts. */
  public Path logFile() {
    return logFile;
  }

  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Whether the member is running and has a leader (its /health). */
  public boolean isHealthy() {
    return isRunning() && probe.healthy();
  }

  /** Whether the member is running and is the raft leader now. */
  public boolean isLeader() {
    return isRunning() && probe.leader();
  }

  /** The process id, or -1 if the member is not running. */
  public synchronized long pid() {
    return isRunning() ? process.pid() : -1;
  }

  void configure(List<String> command) {
    this.command = List.copyOf(command);
  }

  /** Starts the process if it is not running; does not wait for it to be healthy. */
  public synchronized void start() {
    if (isRunning()) {
      return;
    }
    try {
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start etcd member " + name, e);
    }
    wanted = true;
    ProcessReaper.register(process.toHandle());
    LOG.info("started etcd member {} (pid {}) at {}", name, process.pid(), clientEndpoint());
  }

  /** Stops the process gracefully (SIGTERM), killing it if it does not exit in time. */
  public synchronized void stop() {
    wanted = false;
    if (!isRunning()) {
      return;
    }
    process.destroy();
    if (!waitForExit(STOP_GRACE_SECONDS)) {
      ProcessReaper.kill(process.toHandle());
      waitForExit(STOP_GRACE_SECONDS);
    }
    ProcessReaper.unregister(process.toHandle());
    LOG.info("stopped etcd member {}", name);
  }

  /** Kills the process at once (SIGKILL), as a crash or a power loss would. */
  public synchronized void kill() {
    wanted = false;
    if (!isRunning()) {
      return;
    }
    ProcessReaper.kill(process.toHandle());
    waitForExit(STOP_GRACE_SECONDS);
    ProcessReaper.unregister(process.toHandle());
    LOG.info("killed etcd member {} (pid {})", name, process.pid());
  }

  /** Stops the member if it runs, then starts it again on the same data. */
  public void restart() {
    stop();
    start();
  }

  /** Whether the process ended on its own: it was started and neither stopped nor killed. */
  synchronized boolean exitedUnexpectedly() {
    return wanted && !process.isAlive();
  }

  private boolean waitForExit(long seconds) {
    try {
      return process.waitFor(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public String toString() {
    return name + "@" + clientEndpoint();
  }
}
