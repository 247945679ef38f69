package io.k8j.kubelet.logs;

import io.k8j.common.Clock;
import io.k8j.cri.v1.Container;
import io.k8j.cri.v1.ContainerFilter;
import io.k8j.cri.v1.ContainerState;
import io.k8j.cri.v1.ContainerStateValue;
import io.k8j.kubelet.runtime.ContainerRuntime;
import io.k8j.kubelet.runtime.RuntimeCallException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rotates running containers' logs by size (upstream's container log manager): a log over the
 * maximum size is renamed to {@code <log>.<timestamp>}, the runtime reopens the log file, and
 * rotated files beyond {@code maxFiles - 1} are deleted, oldest first.
 */
public final class ContainerLogManager implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ContainerLogManager.class);
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss.SSS").withZone(ZoneOffset.UTC);

  private final ContainerRuntime runtime;
  private final Clock clock;
  private final long maxSize;
  private final int maxFiles;
  private final Duration interval;

  /** Each running container's log path, which never changes: asked of the runtime once. */
  private final Map<String, String> logPaths = new ConcurrentHashMap<>();

  private volatile boolean closed;
  private Thread thread;

  public ContainerLogManager(
      ContainerRuntime runtime, Clock clock, long maxSize, int maxFiles, Duration interval) {
    this.runtime = runtime;
    this.clock = clock;
    this.maxSize = maxSize;
    this.maxFiles = Math.max(2, maxFiles);
    this.interval = interval;
  }

  public void start() {
    thread = Thread.ofVirtual().name("container-log-manager").start(this::run);
  }

  private void run() {
    while (!closed) {
      try {
        clock.sleep(interval);
      } catch (InterruptedException e) {
        return;
      }
      try {
        rotateAll();
      } catch (RuntimeException e) {
        log.warn("log rotation failed: {}", e.toString());
      }
    }
  }

  /** Checks every running container's log once. */
  public void rotateAll() {
    List<Container> running =
        runtime.listContainers(
            ContainerFilter.newBuilder()
                .setState(
                    ContainerStateValue.newBuilder().setState(ContainerState.CONTAINER_RUNNING))
                .build());
    logPaths.keySet().retainAll(new HashSet<>(running.stream().map(Container::getId).toList()));
    for (Container c : running) {
      try {
        String path = logPaths.get(c.getId());
        if (path == null) {
          path = runtime.containerStatus(c.getId()).getStatus().getLogPath();
          logPaths.put(c.getId(), path);
        }
        if (!path.isEmpty()) {
          rotate(c.getId(), Path.of(path));
        }
      } catch (RuntimeCallException | IOException e) {
        log.debug("could not rotate the log of {}: {}", c.getId(), e.toString());
      }
    }
  }

  void rotate(String containerId, Path logFile) throws IOException {
    if (!Files.exists(logFile) || Files.size(logFile) < maxSize) {
      return;
    }
    Path rotated = logFile.resolveSibling(logFile.getFileName() + "." + STAMP.format(clock.now()));
    Files.move(logFile, rotated);
    try {
      runtime.reopenContainerLog(containerId);
    } catch (RuntimeCallException e) {
      Files.move(rotated, logFile);
      throw e;
    }
    String prefix = logFile.getFileName() + ".";
    try (var s = Files.list(logFile.getParent())) {
      List<Path> old =
          s.filter(p -> p.getFileName().toString().startsWith(prefix))
              .sorted(Comparator.comparing(p -> p.getFileName().toString()))
              .toList();
      for (int i = 0; i < old.size() - (maxFiles - 1); i++) {
        Files.deleteIfExists(old.get(i));
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    if (thread != null) {
      thread.interrupt();
    }
  }
}
