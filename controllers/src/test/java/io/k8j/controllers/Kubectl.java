package io.k8j.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8j.testing.cluster.TestApiServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real kubectl against a test API server. */
final class Kubectl {
  private Kubectl() {}

  /** Runs kubectl, asserts it succeeded, and returns what it printed. */
  static String run(TestApiServer api, String... args) throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(List.of("/usr/bin/kubectl", "--kubeconfig", api.kubeconfig().toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", args) + ":\n" + out).isZero();
    return out;
  }
}
