package io.k8j.kubelet.e2e;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** Thread dumps for a test that timed out: every thread, virtual threads (pod workers) included. */
final class ThreadDumps {
  private ThreadDumps() {}

  /** Writes the dump under target/ and returns its path (or why it could not). */
  static String dump(String name) {
    try {
      Path dir = Files.createDirectories(Path.of("target", "thread-dumps"));
      Path file = dir.resolve(name + "-" + System.currentTimeMillis() + ".txt");
      ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
          .dumpThreads(
              file.toAbsolutePath().toString(),
              HotSpotDiagnosticMXBean.ThreadDumpFormat.TEXT_PLAIN);
      return file.toAbsolutePath().toString();
    } catch (Exception e) {
      return "(no dump: " + e + ")";
    }
  }
}
