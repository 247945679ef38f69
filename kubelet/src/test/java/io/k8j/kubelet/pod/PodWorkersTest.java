package io.k8j.kubelet.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.k8j.common.Clock;
import io.k8j.kubelet.kuberuntime.WaitingReasons;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class PodWorkersTest {
  final List<String> calls = new CopyOnWriteArrayList<>();
  final AtomicBoolean finish = new AtomicBoolean();
  final AtomicBoolean breakOnce = new AtomicBoolean();

  final PodSyncHandler handler =
      new PodSyncHandler() {
        @Override
        public PodSyncer.Outcome syncPod(Pod pod, WaitingReasons reasons) {
          calls.add("sync");
          if (breakOnce.getAndSet(false)) {
            throw new NoClassDefFoundError("a class that failed to load");
          }
          return new PodSyncer.Outcome(finish.get(), null);
        }

        @Override
        public void syncTerminatingPod(Pod pod, WaitingReasons reasons) {
          calls.add("terminating");
        }

        @Override
        public void syncTerminatedPod(Pod pod, boolean removed) {
          calls.add(removed ? "removed" : "terminated");
        }
      };

  static Pod pod() {
    return new PodBuilder()
        .withNewMetadata()
        .withName("p")
        .withNamespace("default")
        .withUid("u1")
        .endMetadata()
        .build();
  }

  @Test
  void aPodIsResyncedEveryPeriodWithoutBeingTold() {
    try (PodWorkers w = new PodWorkers(handler, Clock.SYSTEM, Duration.ofMillis(100))) {
      w.update(pod());
      await().atMost(Duration.ofSeconds(30)).until(() -> calls.size() >= 5);
      assertThat(calls).containsOnly("sync");
    }
  }

  @Test
  void aRemovedPodTerminatesOnceAndItsWorkerEnds() {
    try (PodWorkers w = new PodWorkers(handler, Clock.SYSTEM, Duration.ofMinutes(1))) {
      w.update(pod());
      await().atMost(Duration.ofSeconds(30)).until(() -> calls.contains("sync"));
      w.remove("u1");
      await().atMost(Duration.ofSeconds(30)).until(() -> !w.has("u1"));
      assertThat(calls).containsSubsequence("sync", "terminating", "removed");
      assertThat(calls.stream().filter("terminating"::equals).count()).isEqualTo(1);
    }
  }

  @Test
  void aFinishedPodTerminatesAndStaysUntilRemoved() {
    finish.set(true);
    try (PodWorkers w = new PodWorkers(handler, Clock.SYSTEM, Duration.ofMillis(100))) {
      w.update(pod());
      await().atMost(Duration.ofSeconds(30)).until(() -> calls.contains("terminated"));
      assertThat(w.state("u1")).isEqualTo(PodWorkers.State.TERMINATED);
      w.sync("u1");
      assertThat(w.has("u1")).isTrue();
      assertThat(calls.stream().filter("sync"::equals).count()).isEqualTo(1);
    }
  }

  @Test
  void aWorkerWhoseSyncThrowsAnErrorLivesOnAndSyncsAgain() {
    breakOnce.set(true);
    try (PodWorkers w = new PodWorkers(handler, Clock.SYSTEM, Duration.ofMinutes(1))) {
      w.update(pod());
      await().atMost(Duration.ofSeconds(30)).until(() -> calls.size() >= 2);
      assertThat(w.has("u1")).isTrue();
      assertThat(w.state("u1")).isEqualTo(PodWorkers.State.SYNCING);
    }
  }
}
