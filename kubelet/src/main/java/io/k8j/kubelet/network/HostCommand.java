package io.k8j.kubelet.network;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a host command ({@code ip}, {@code iptables}) and returns what it printed. */
@FunctionalInterface
public interface HostCommand {
  /**
   * @return standard output and error
   * @throws IOException when the command fails or exits non-zero (the message has its output)
   */
  String run(List<String> command) throws IOException;

  /** The real thing: a process, at most 30 s. */
  HostCommand PROCESS =
      command -> {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
          if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + ": " + out.strip());
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted: " + String.join(" ", command), e);
        }
        return out;
      };
}
