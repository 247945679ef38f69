package io.k8j.kubelet.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.k8j.cri.v1.Container;
import io.k8j.kubelet.Kubelet;
import io.k8j.kubelet.RuntimeKind;
import io.k8j.kubelet.kuberuntime.Labels;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Kills a kubelet and its containerd with SIGKILL while pods run, starts a new kubelet on the same
 * data directory, and checks that it adopts the running containers (same IDs, same restart counts,
 * no duplicate), keeps the statuses, cleans up a pod deleted while it was down and starts one
 * created meanwhile.
 */
class KubeletCrashIT {
  static final String NODE = "crash-1";
  static final String CIDR = "10.88.20.0/24";
  static NodeFixture node;

  @BeforeAll
  static void prepare() throws Exception {
    node = NodeFixture.prepare(RuntimeKind.CRI, NODE, CIDR, b -> b);
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  static Process startKubeletProcess() throws Exception {
    Path out = node.dataDir.resolve("kubelet-process.log");
    Process p =
        new ProcessBuilder(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp",
                System.getProperty("java.class.path"),
                KubeletProcessMain.class.getName(),
                node.api.kubeconfig().toString(),
                NODE,
                node.dataDir.toString(),
                CIDR)
            .redirectErrorStream(true)
            .start();
    BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    String line;
    while (System.nanoTime() < deadline && (line = r.readLine()) != null) {
      seen.append(line).append('\n');
      if (line.equals("STARTED")) {
        Thread.ofVirtual().start(() -> drain(r, out));
        return p;
      }
    }
    p.destroyForcibly();
    throw new AssertionError("the kubelet process did not start:\n" + seen);
  }

  static void drain(BufferedReader r, Path out) {
    try (var w = Files.newBufferedWriter(out)) {
      String line;
      while ((line = r.readLine()) != null) {
        w.write(line);
        w.newLine();
      }
    } catch (Exception ignored) {
      // the process was killed
    }
  }

  static Map<String, ContainerStatus> statuses(String pod) {
    Pod p = node.client.pods().inNamespace("default").withName(pod).get();
    return p.getStatus().getContainerStatuses().stream()
        .collect(Collectors.toMap(ContainerStatus::getName, c -> c));
  }

  @Test
  void aRestartedKubeletAdoptsRunningContainersAndLosesNoStatus() throws Exception {
    Process first = startKubeletProcess();
    node.kubectl.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: steady}
        spec:
          nodeName: crash-1
          containers:
          - {name: a, image: busybox:1.36, command: [sleep, "3600"]}
          - {name: b, image: busybox:1.36, command: [sh, -c, 'if [ ! -f /data/once ]; then touch /data/once; exit 1; fi; exec sleep 3600'], volumeMounts: [{name: data, mountPath: /data}]}
          volumes: [{name: data, emptyDir: {}}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: doomed}
        spec:
          nodeName: crash-1
          terminationGracePeriodSeconds: 1
          containers:
          - {name: a, image: busybox:1.36, command: [sleep, "3600"]}
        """);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              var s = statuses("steady");
              return s.size() == 2
                  && s.values().stream().allMatch(c -> c.getState().getRunning() != null)
                  && s.get("b").getRestartCount() == 1
                  && "Running".equals(node.kubectl.jsonpath("doomed", "{.status.phase}"));
            });
    Pod before = node.client.pods().inNamespace("default").withName("steady").get();
    Map<String, ContainerStatus> beforeStatuses = statuses("steady");

    long containerdPid =
        Long.parseLong(
            Files.readString(node.dataDir.resolve("agent/containerd/containerd.pid")).strip());
    first.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    ProcessHandle.of(containerdPid).ifPresent(ProcessHandle::destroyForcibly);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> ProcessHandle.of(containerdPid).map(h -> !h.isAlive()).orElse(true));

    // while the node is down: one pod is deleted, one is created; statuses stay as they were
    node.client.pods().inNamespace("default").withName("doomed").withGracePeriod(0).delete();
    node.kubectl.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: newcomer}
        spec:
          nodeName: crash-1
          containers:
          - {name: a, image: busybox:1.36, command: [sleep, "3600"]}
        """);
    Thread.sleep(2000);
    assertThat(node.client.pods().inNamespace("default").withName("steady").get().getStatus())
        .isEqualTo(before.getStatus());

    node.kubelet = new Kubelet(node.client, KubeletProcessMain.options(NODE, node.dataDir, CIDR));
    node.kubelet.start();

    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> "Running".equals(node.kubectl.jsonpath("newcomer", "{.status.phase}")));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                node.kubelet.runtime().listPodSandbox(null).stream()
                    .noneMatch(s -> s.getMetadata().getName().equals("doomed")));
    Thread.sleep(3000);
    Map<String, ContainerStatus> after = statuses("steady");
    for (String c : List.of("a", "b")) {
      assertThat(after.get(c).getContainerID()).isEqualTo(beforeStatuses.get(c).getContainerID());
      assertThat(after.get(c).getRestartCount()).isEqualTo(beforeStatuses.get(c).getRestartCount());
      assertThat(after.get(c).getState().getRunning()).isNotNull();
      assertThat(after.get(c).getState().getRunning().getStartedAt())
          .isEqualTo(beforeStatuses.get(c).getState().getRunning().getStartedAt());
    }
    Pod steady = node.client.pods().inNamespace("default").withName("steady").get();
    assertThat(steady.getStatus().getPodIP()).isEqualTo(before.getStatus().getPodIP());
    assertThat(steady.getStatus().getStartTime()).isEqualTo(before.getStatus().getStartTime());
    assertThat(steady.getStatus().getPhase()).isEqualTo("Running");

    List<Container> running =
        node.kubelet.runtime().listContainers(null).stream()
            .filter(c -> c.getLabelsOrDefault(Labels.POD_NAME, "").equals("steady"))
            .filter(c -> c.getState() == io.k8j.cri.v1.ContainerState.CONTAINER_RUNNING)
            .toList();
    assertThat(running).hasSize(2);
    assertThat(
            node.kubelet.runtime().listPodSandbox(null).stream()
                .filter(s -> s.getMetadata().getName().equals("steady")))
        .hasSize(1);
    List<Event> kills =
        node.client.v1().events().inNamespace("default").list().getItems().stream()
            .filter(e -> "steady".equals(e.getInvolvedObject().getName()))
            .filter(e -> "Killing".equals(e.getReason()))
            .toList();
    assertThat(kills).isEmpty();
  }
}
