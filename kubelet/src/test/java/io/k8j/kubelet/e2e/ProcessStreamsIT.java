package io.k8j.kubelet.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.k8j.kubelet.RuntimeKind;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * exec, attach, cp and port-forward on the process runtime; and a terminal session hung up when its
 * client is killed, which this runtime does itself (containerd's streaming server owns that on the
 * other).
 */
class ProcessStreamsIT extends StreamEndingsContract {
  @BeforeAll
  static void start() throws Exception {
    node =
        NodeFixture.start(
            RuntimeKind.PROCESS, "proc-streams", "10.88.40.0/24", b -> b.bindAddress("0.0.0.0"));
    startPods("proc-streams");
  }

  @Test
  void aTerminalSessionWhoseClientIsKilledIsHungUp() throws Exception {
    String marker = "/tmp/hup-" + UUID.randomUUID().toString().substring(0, 8);
    String inner =
        "trap 'echo hup > " + marker + "; exit' HUP; echo ready; while :; do sleep 1; done";
    String kubectl =
        "/usr/bin/kubectl --kubeconfig="
            + node.api.kubeconfig()
            + " exec -it shell -- sh -c \""
            + inner
            + "\"";
    // script(1) gives kubectl a terminal, so that it asks for one in the pod
    Process script =
        new ProcessBuilder("script", "-q", "-f", "-c", kubectl, "/dev/null")
            .redirectErrorStream(true)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(script.getInputStream(), StandardCharsets.UTF_8));
      CompletableFuture<Boolean> ready = new CompletableFuture<>();
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  String line;
                  while ((line = out.readLine()) != null) {
                    if (line.contains("ready")) {
                      ready.complete(true);
                    }
                  }
                } catch (IOException ignored) {
                  // script ended
                }
                ready.complete(false);
              });
      assertThat(ready.get(60, TimeUnit.SECONDS)).as("the shell in the pod started").isTrue();
      script
          .descendants()
          .filter(h -> h.info().command().orElse("").endsWith("kubectl"))
          .forEach(ProcessHandle::destroyForcibly);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> node.kubectl.run("exec", "shell", "--", "cat", marker).out().equals("hup\n"));
    } finally {
      script.descendants().forEach(ProcessHandle::destroyForcibly);
      script.destroyForcibly();
      node.kubectl.run("exec", "shell", "--", "rm", "-f", marker);
    }
  }
}
