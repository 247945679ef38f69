package io.k8j.testing.etcd;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kills every etcd process still running when the JVM exits, so that a test that forgets to close
 * its cluster, or a JVM that is interrupted, leaves no orphan behind.
 */
final class ProcessReaper {
  private static final Set<ProcessHandle> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform()
                .name("etcd-reaper")
                .unstarted(() -> LIVE.forEach(ProcessReaper::kill)));
  }

  private ProcessReaper() {}

  static void register(ProcessHandle process) {
    LIVE.add(process);
  }

  static void unregister(ProcessHandle process) {
    LIVE.remove(process);
  }

  /** SIGKILL to the process and everything it started. */
  static void kill(ProcessHandle process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }
}
