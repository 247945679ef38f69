package io.k8j.kubelet.e2e;

import io.k8j.kubelet.RuntimeKind;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The shared suite on the process runtime: the host's own binaries (busybox-static for httpd and
 * wget), each pod in its own network namespace, volumes bind-mounted under /tmp/k8j-e2e.
 */
class ProcessPodsIT extends PodsContract {
  private static final Path MOUNTS = Path.of("/tmp/k8j-e2e");

  @BeforeAll
  static void start() throws Exception {
    NodeFixture.deleteTree(MOUNTS);
    node = NodeFixture.start(RuntimeKind.PROCESS, "proc-e2e", "10.88.30.0/24", b -> b);
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
    // the mount points the process runtime made on the host for these pods' volumes
    NodeFixture.deleteTree(MOUNTS);
  }

  @Override
  String mountRoot() {
    return MOUNTS.toString();
  }
}
