package io.k8j.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** {@code k8j version}: the k8j version and the Kubernetes API version it serves. */
@Command(name = "version", mixinStandardHelpOptions = true, description = "Print the k8j version.")
final class VersionCommand implements Runnable {
  /** The Kubernetes release whose API k8j serves. */
  static final String KUBERNETES_VERSION = "v1.32.0";

  @Override
  public void run() {
    for (String line : new Provider().getVersion()) {
      System.out.println(line);
    }
  }

  static final class Provider implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String own = Main.class.getPackage().getImplementationVersion();
      return new String[] {
        "k8j " + (own == null ? "0.1.0-SNAPSHOT" : own),
        "Kubernetes API " + KUBERNETES_VERSION,
        "Java " + Runtime.version()
      };
    }
  }
}
