package io.k8j.proxy.exec;

import java.io.IOException;
import java.util.List;

/** The exit code and output of a finished command. */
public record CommandResult(List<String> argv, int exitCode, String stdout, String stderr) {
  public boolean ok() {
    return exitCode == 0;
  }

  /** This result, or an {@link IOException} naming the command and its error output. */
  public CommandResult orThrow() throws IOException {
    if (!ok()) {
      throw new IOException(
          String.join(" ", argv) + " exited with " + exitCode + ": " + stderr.strip());
    }
    return this;
  }
}
