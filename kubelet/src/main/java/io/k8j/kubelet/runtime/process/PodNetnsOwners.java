package io.k8j.kubelet.runtime.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Which process runtime made each {@code k8jpod-*} network namespace, so a runtime starting on a
 * fresh data directory can tell the namespaces a crashed one left from those of kubelets running
 * now. For every namespace it makes, a runtime writes {@code <records>/<netns>}: its pid, its
 * process's start time and its state directory. A namespace is an orphan when that process is gone,
 * or is this one and no runtime here has that state directory open; an unrecorded one (from an
 * older version) when it is older than ten minutes and no process runs in it.
 */
final class PodNetnsOwners implements AutoCloseable {
  static final String PREFIX = "k8jpod-";

  /**
   * A namespace nobody recorded (made by an older version) stays this long, and while a process
   * runs in it, before it counts as stale.
   */
  private static final Duration UNRECORDED_GRACE = Duration.ofMinutes(10);

  /** The state directories of the runtimes open in this JVM. */
  private static final Set<Path> OPEN = ConcurrentHashMap.newKeySet();

  private final Path records;
  private final Path netnsDir;
  private final Path stateDir;
  private final Predicate<String> empty;

  /**
   * @param empty whether no process runs in a namespace (by name)
   */
  PodNetnsOwners(Path records, Path netnsDir, Path stateDir, Predicate<String> empty) {
    this.records = records;
    this.netnsDir = netnsDir;
    this.empty = empty;
    this.stateDir = stateDir.toAbsolutePath().normalize();
    OPEN.add(this.stateDir);
  }

  /** Records that this runtime made {@code netns}. */
  void record(String netns) {
    ProcessHandle self = ProcessHandle.current();
    try {
      Files.createDirectories(records);
      Files.writeString(
          records.resolve(netns),
          self.pid() + "\n" + startOf(self) + "\n" + stateDir + "\n",
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void forget(String netns) {
    try {
      Files.deleteIfExists(records.resolve(netns));
    } catch (IOException ignored) {
      // an orphaned record only names a namespace that is gone
    }
  }

  /** The {@code k8jpod-*} namespaces no live runtime owns. */
  List<String> orphans(Instant now) {
    List<String> out = new ArrayList<>();
    if (!Files.isDirectory(netnsDir)) {
      return out;
    }
    try (var names = Files.list(netnsDir)) {
      for (Path ns : names.toList()) {
        String name = ns.getFileName().toString();
        if (name.startsWith(PREFIX) && orphan(name, ns, now)) {
          out.add(name);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private boolean orphan(String name, Path ns, Instant now) throws IOException {
    Path record = records.resolve(name);
    if (!Files.exists(record)) {
      return Files.getLastModifiedTime(ns).toInstant().plus(UNRECORDED_GRACE).isBefore(now)
          && empty.test(name);
    }
    String[] f = Files.readString(record, StandardCharsets.UTF_8).split("\n");
    if (f.length < 3) {
      return true;
    }
    long pid;
    try {
      pid = Long.parseLong(f[0].strip());
    } catch (NumberFormatException e) {
      return true;
    }
    Path owner = Path.of(f[2].strip());
    if (pid == ProcessHandle.current().pid()) {
      return owner.equals(stateDir) || !OPEN.contains(owner);
    }
    return ProcessHandle.of(pid).map(h -> !startOf(h).equals(f[1].strip())).orElse(true);
  }

  private static String startOf(ProcessHandle h) {
    return h.info().startInstant().map(Instant::toString).orElse("");
  }

  @Override
  public void close() {
    OPEN.remove(stateDir);
  }
}
