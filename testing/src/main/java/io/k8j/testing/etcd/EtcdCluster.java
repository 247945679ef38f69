package io.k8j.testing.etcd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real etcd cluster of one or three members on loopback ports, for tests and benchmarks.
 *
 * <pre>{@code
 * try (EtcdCluster etcd = EtcdCluster.builder().members(3).start()) {
 *   connect(etcd.clientEndpoints());
 *   etcd.awaitLeader(Duration.ofSeconds(10)).kill();
 * }
 * }</pre>
 *
 * <p>Members keep etcd's durability (every write fsynced on a quorum); only the raft timers may be
 * shortened, so that tests of leader loss run fast. Member output goes to one file per member under
 * the log directory ({@code target/etcd/<cluster>} by default), never to stdout. Closing the
 * cluster kills every member and deletes the data; a JVM shutdown hook kills any member left
 * running.
 */
public final class EtcdCluster implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EtcdCluster.class);
  private static final Duration POLL = Duration.ofMillis(50);

  private final String name;
  private final Path dataDirectory;
  private final List<EtcdMember> members;

  private EtcdCluster(String name, Path dataDirectory, List<EtcdMember> members) {
    this.name = name;
    this.dataDirectory = dataDirectory;
    this.members = List.copyOf(members);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Starts {@code members} members with the default timers and waits until they are healthy. */
  public static EtcdCluster start(int members) {
    return builder().members(members).start();
  }

  public String name() {
    return name;
  }

  public List<EtcdMember> members() {
    return members;
  }

  public EtcdMember member(int index) {
    return members.get(index);
  }

  /** Every member's client URL, running or not, as a client would be configured. */
  public List<String> clientEndpoints() {
    return members.stream().map(EtcdMember::clientEndpoint).toList();
  }

  /** The member that is the leader now, if a running one says it is. */
  public Optional<EtcdMember> leader() {
    return members.stream().filter(EtcdMember::isLeader).findFirst();
  }

  /** Waits until a running member is the leader, and returns it. */
  public EtcdMember awaitLeader(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<EtcdMember> leader = leader();
      if (leader.isPresent()) {
        return leader.get();
      }
      failIfAnyExited();
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("etcd cluster " + name + " has no leader after " + timeout);
      }
      pause();
    }
  }

  /** Waits until every running member has a leader and answers /health. */
  public void awaitHealthy(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      failIfAnyExited();
      List<EtcdMember> running = members.stream().filter(EtcdMember::isRunning).toList();
      if (!running.isEmpty() && running.stream().allMatch(EtcdMember::isHealthy)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "etcd cluster " + name + " is not healthy after " + timeout + "; see " + logFiles());
      }
      pause();
    }
  }

  /** Kills every member and deletes the data. */
  @Override
  public void close() {
    members.forEach(EtcdMember::kill);
    deleteRecursively(dataDirectory);
    LOG.info("closed etcd cluster {}", name);
  }

  private void failIfAnyExited() {
    for (EtcdMember member : members) {
      if (member.exitedUnexpectedly()) {
        throw new IllegalStateException(
            "etcd member " + member.name() + " exited; see " + member.logFile());
      }
    }
  }

  private String logFiles() {
    return members.stream().map(m -> m.logFile().toString()).collect(Collectors.joining(", "));
  }

  private static void pause() {
    try {
      Thread.sleep(POLL);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for etcd", e);
    }
  }

  private static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      LOG.warn("cannot delete etcd data {}: {}", root, e.toString());
    }
  }

  /** How to start a cluster. */
  public static final class Builder {
    private int memberCount = 1;
    private Duration heartbeatInterval = Duration.ofMillis(100);
    private Duration electionTimeout = Duration.ofMillis(1000);
    private Duration startTimeout = Duration.ofSeconds(30);
    private Path logDirectory = Path.of("target", "etcd");
    private Path dataParent;

    private Builder() {}

    /** 1 or 3 members (default 1). */
    public Builder members(int count) {
      if (count != 1 && count != 3) {
        throw new IllegalArgumentException("an etcd test cluster has 1 or 3 members, not " + count);
      }
      this.memberCount = count;
      return this;
    }

    /** Raft heartbeat interval (etcd's default is 100ms). */
    public Builder heartbeatInterval(Duration interval) {
      this.heartbeatInterval = interval;
      return this;
    }

    /** Raft election timeout (etcd's default is 1s); at least 5 heartbeats. */
    public Builder electionTimeout(Duration timeout) {
      this.electionTimeout = timeout;
      return this;
    }

    /** How long {@link #start()} waits for the members to be healthy. */
    public Builder startTimeout(Duration timeout) {
      this.startTimeout = timeout;
      return this;
    }

    /** Where member output goes; a directory per cluster is made inside. */
    public Builder logDirectory(Path directory) {
      this.logDirectory = directory;
      return this;
    }

    /**
     * Where the members' data goes: a new directory inside {@code parent}, deleted on close. By
     * default a new temporary directory. Benchmarks put it on the disk they compare.
     */
    public Builder dataDirectory(Path parent) {
      this.dataParent = parent;
      return this;
    }

    /**
     * Starts the members and waits until they are healthy.
     *
     * @throws IllegalStateException if etcd is not installed or the cluster does not come up
     */
    public EtcdCluster start() {
      Path binary = EtcdBinary.locate();
      String name = "k8j-" + UUID.randomUUID().toString().substring(0, 8);
      EtcdCluster cluster;
      try {
        Path logs = Files.createDirectories(logDirectory.resolve(name)).toAbsolutePath();
        Path data =
            dataParent == null
                ? Files.createTempDirectory("k8j-etcd-" + name + "-")
                : Files.createDirectories(dataParent.resolve("etcd-" + name));
        cluster = new EtcdCluster(name, data, members(binary, name, data, logs));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot prepare etcd cluster directories", e);
      }
      try {
        cluster.members.forEach(EtcdMember::start);
        cluster.awaitHealthy(startTimeout);
      } catch (RuntimeException e) {
        cluster.close();
        throw e;
      }
      LOG.info(
          "etcd cluster {} is healthy: {} (logs in {})",
          name,
          cluster.clientEndpoints(),
          logDirectory.resolve(name));
      return cluster;
    }

    private List<EtcdMember> members(Path binary, String token, Path data, Path logs) {
      List<Integer> ports = LoopbackPorts.allocate(2 * memberCount);
      List<EtcdMember> members = new ArrayList<>();
      for (int i = 0; i < memberCount; i++) {
        String memberName = "m" + i;
        members.add(
            new EtcdMember(
                memberName,
                ports.get(2 * i),
                ports.get(2 * i + 1),
                logs.resolve(memberName + ".log")));
      }
      String initialCluster =
          members.stream().map(m -> m.name() + "=" + m.peerUrl()).collect(Collectors.joining(","));
      for (EtcdMember m : members) {
        m.configure(
            List.of(
                binary.toString(),
                "--name=" + m.name(),
                "--data-dir=" + data.resolve(m.name()),
                "--listen-client-urls=" + m.clientEndpoint(),
                "--advertise-client-urls=" + m.clientEndpoint(),
                "--listen-peer-urls=" + m.peerUrl(),
                "--initial-advertise-peer-urls=" + m.peerUrl(),
                "--initial-cluster=" + initialCluster,
                "--initial-cluster-token=" + token,
                "--initial-cluster-state=new",
                "--heartbeat-interval=" + heartbeatInterval.toMillis(),
                "--election-timeout=" + electionTimeout.toMillis(),
                "--logger=zap",
                "--log-outputs=stderr"));
      }
      return members;
    }
  }
}
