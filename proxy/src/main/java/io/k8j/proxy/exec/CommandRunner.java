package io.k8j.proxy.exec;

import java.io.IOException;
import java.util.List;

/** Runs a command to completion. Implementations must be safe to call from several threads. */
public interface CommandRunner {
  /**
   * Runs {@code argv} with {@code stdin} (may be empty) as its standard input and waits for it.
   *
   * @throws IOException if the command cannot be started or does not finish in time
   */
  CommandResult run(List<String> argv, String stdin) throws IOException;

  default CommandResult run(List<String> argv) throws IOException {
    return run(argv, "");
  }

  /** Runs on this host, or inside the network namespace {@code netns} when it is not null. */
  static CommandRunner host(String netns) {
    return new ProcessCommandRunner(netns);
  }
}
