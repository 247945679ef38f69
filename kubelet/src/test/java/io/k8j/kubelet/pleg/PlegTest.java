package io.k8j.kubelet.pleg;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8j.common.FakeClock;
import io.k8j.cri.v1.ContainerConfig;
import io.k8j.cri.v1.ContainerMetadata;
import io.k8j.cri.v1.PodSandboxConfig;
import io.k8j.cri.v1.PodSandboxMetadata;
import io.k8j.kubelet.kuberuntime.Labels;
import io.k8j.kubelet.kuberuntime.RuntimeStateReader;
import io.k8j.kubelet.runtime.simulated.SimulatedRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The PLEG wakes a pod's worker for every change of its sandboxes and containers, except one the
 * worker read already (the worker that started a container reads the pod again and reports it at
 * once; a relist that finds the same state would only wake it for nothing).
 */
class PlegTest {
  final FakeClock clock = new FakeClock();
  final SimulatedRuntime sim = new SimulatedRuntime(clock, "10.9.0.0/24");
  final RuntimeStateReader reader = new RuntimeStateReader(sim);
  final List<String> woken = new ArrayList<>();
  final Pleg pleg = new Pleg(sim, clock, Duration.ofSeconds(1), woken::add, reader::lastRead);

  PodSandboxConfig sandbox(String uid) {
    return PodSandboxConfig.newBuilder()
        .setMetadata(PodSandboxMetadata.newBuilder().setName("p-" + uid).setUid(uid))
        .putLabels(Labels.POD_UID, uid)
        .build();
  }

  String start(String sandboxId, PodSandboxConfig sb, String name, int attempt) {
    String id =
        sim.createContainer(
            sandboxId,
            ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName(name).setAttempt(attempt))
                .putLabels(Labels.POD_UID, sb.getLabelsOrThrow(Labels.POD_UID))
                .putLabels(Labels.CONTAINER_NAME, name)
                .build(),
            sb);
    sim.startContainer(id);
    return id;
  }

  @Test
  void aPodStartedAndReadByItsWorkerIsNotReportedAgain() {
    PodSandboxConfig sb = sandbox("u1");
    String sandboxId = sim.runPodSandbox(sb);
    start(sandboxId, sb, "app", 0);
    reader.read("u1");

    pleg.relist();

    assertThat(woken).isEmpty();
    assertThat(pleg.podUids()).containsExactly("u1");
  }

  @Test
  void aChangeAfterTheWorkersReadIsReported() {
    PodSandboxConfig sb = sandbox("u2");
    String sandboxId = sim.runPodSandbox(sb);
    String first = start(sandboxId, sb, "app", 0);
    reader.read("u2");
    pleg.relist();

    sim.stopContainer(first, 0);
    pleg.relist();
    assertThat(woken).containsExactly("u2");

    // the worker reads the exit and starts the container again: the new instance is its own doing
    reader.read("u2");
    start(sandboxId, sb, "app", 1);
    reader.read("u2");
    pleg.relist();
    assertThat(woken).containsExactly("u2");
  }

  @Test
  void aPodNoWorkerReadIsReportedAndSoIsAPodThatIsGone() {
    PodSandboxConfig sb = sandbox("u3");
    String sandboxId = sim.runPodSandbox(sb);
    String c = start(sandboxId, sb, "app", 0);

    pleg.relist();
    assertThat(woken).containsExactly("u3");

    reader.read("u3");
    sim.stopContainer(c, 0);
    sim.removeContainer(c);
    sim.stopPodSandbox(sandboxId);
    sim.removePodSandbox(sandboxId);
    pleg.relist();
    assertThat(woken).containsExactly("u3", "u3");
    assertThat(pleg.podUids()).isEmpty();
  }

  @Test
  void withoutAReaderEveryChangeIsReported() {
    List<String> all = new ArrayList<>();
    Pleg plain = new Pleg(sim, clock, Duration.ofSeconds(1), all::add);
    PodSandboxConfig sb = sandbox("u4");
    String sandboxId = sim.runPodSandbox(sb);
    start(sandboxId, sb, "app", 0);
    reader.read("u4");

    plain.relist();
    plain.relist();

    assertThat(all).containsExactly("u4");
  }

  /** A thousand simulated nodes at rest relisted a hundred thousand pods every second. */
  @Test
  void aRelistOfARuntimeThatReportsNoChangeListsNothingAndReportsNothing() {
    java.util.concurrent.atomic.AtomicInteger lists =
        new java.util.concurrent.atomic.AtomicInteger();
    io.k8j.kubelet.runtime.ContainerRuntime counting =
        (io.k8j.kubelet.runtime.ContainerRuntime)
            java.lang.reflect.Proxy.newProxyInstance(
                io.k8j.kubelet.runtime.ContainerRuntime.class.getClassLoader(),
                new Class<?>[] {io.k8j.kubelet.runtime.ContainerRuntime.class},
                (proxy, m, args) -> {
                  if (m.getName().startsWith("list")) {
                    lists.incrementAndGet();
                  }
                  try {
                    return m.invoke(sim, args);
                  } catch (java.lang.reflect.InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    List<String> changed = new ArrayList<>();
    Pleg counted = new Pleg(counting, clock, Duration.ofSeconds(1), changed::add);
    PodSandboxConfig a = sandbox("r1");
    String aId = sim.runPodSandbox(a);
    assertThat(counted.relist()).containsExactly("r1");
    assertThat(changed).containsExactly("r1");
    int listed = lists.get();

    assertThat(counted.relist()).containsExactly("r1");
    assertThat(counted.relist()).containsExactly("r1");
    assertThat(lists.get()).isEqualTo(listed);
    assertThat(changed).containsExactly("r1");
    assertThat(counted.healthy()).isTrue();

    sim.runPodSandbox(sandbox("r2"));
    sim.stopPodSandbox(aId);
    assertThat(counted.relist()).containsExactlyInAnyOrder("r1", "r2");
    assertThat(lists.get()).isGreaterThan(listed);
    assertThat(changed).containsExactlyInAnyOrder("r1", "r2", "r1");
  }
}
