package io.k8j.testing.etcd;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the {@code etcd} executable is: Debian's etcd-server package, unless told otherwise. */
final class EtcdBinary {
  /** System property that names another etcd executable. */
  static final String PROPERTY = "k8j.etcd.binary";

  static final Path DEFAULT = Path.of("/usr/bin/etcd");

  private EtcdBinary() {}

  /**
   * The etcd executable to run.
   *
   * @throws IllegalStateException naming the missing path and how to install it
   */
  static Path locate() {
    String configured = System.getProperty(PROPERTY, System.getenv("K8J_ETCD_BINARY"));
    Path binary = configured == null || configured.isBlank() ? DEFAULT : Path.of(configured);
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(
          "etcd is not installed: no executable at "
              + binary
              + ". Install Debian's etcd-server package (apt-get install etcd-server), or point -D"
              + PROPERTY
              + " at an etcd 3.4+ binary.");
    }
    return binary;
  }
}
