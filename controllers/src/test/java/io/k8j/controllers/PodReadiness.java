package io.k8j.controllers;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Stands in for kubelets in integration tests: every new pod in the namespace gets an IP and is
 * marked Running and Ready through pods/status after a delay, as a kubelet would once its
 * containers started.
 */
public final class PodReadiness implements AutoCloseable {
  private static final java.util.concurrent.atomic.AtomicInteger NEXT_IP =
      new java.util.concurrent.atomic.AtomicInteger();
  private final KubernetesClient client;
  private final Duration delay;
  private final SharedIndexInformer<Pod> informer;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private volatile boolean paused;

  public PodReadiness(KubernetesClient client, String namespace, Duration delay) {
    this.client = client;
    this.delay = delay;
    this.informer =
        client
            .pods()
            .inNamespace(namespace)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Pod pod) {
                    schedule(pod);
                  }

                  @Override
                  public void onUpdate(Pod oldPod, Pod newPod) {}

                  @Override
                  public void onDelete(Pod pod, boolean unknown) {}
                });
  }

  /** While paused, new pods stay Pending (a rollout that cannot progress). */
  public void pause(boolean p) {
    this.paused = p;
  }

  private void schedule(Pod pod) {
    timer.schedule(() -> markReady(pod), delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void markReady(Pod pod) {
    if (paused) {
      timer.schedule(() -> markReady(pod), 100, TimeUnit.MILLISECONDS);
      return;
    }
    markReady(client, pod.getMetadata().getNamespace(), pod.getMetadata().getName());
  }

  /** Marks one pod Running and Ready now. */
  public static void markReady(KubernetesClient client, String namespace, String name) {
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    try {
      client
          .pods()
          .inNamespace(namespace)
          .withName(name)
          .editStatus(
              p -> {
                p.getStatus().setPhase("Running");
                if (p.getStatus().getPodIP() == null) {
                  int n = NEXT_IP.incrementAndGet();
                  p.getStatus().setPodIP("10.244." + (n / 250) + "." + (n % 250 + 1));
                }
                List<PodCondition> conditions =
                    List.of(
                        new PodConditionBuilder()
                            .withType("PodScheduled")
                            .withStatus("True")
                            .withLastTransitionTime(now)
                            .build(),
                        new PodConditionBuilder()
                            .withType("Initialized")
                            .withStatus("True")
                            .withLastTransitionTime(now)
                            .build(),
                        new PodConditionBuilder()
                            .withType("ContainersReady")
                            .withStatus("True")
                            .withLastTransitionTime(now)
                            .build(),
                        new PodConditionBuilder()
                            .withType("Ready")
                            .withStatus("True")
                            .withLastTransitionTime(now)
                            .build());
                p.getStatus().setConditions(new java.util.ArrayList<>(conditions));
                return p;
              });
    } catch (RuntimeException e) {
      // the pod went away first
    }
  }

  @Override
  public void close() {
    informer.close();
    timer.shutdownNow();
  }
}
