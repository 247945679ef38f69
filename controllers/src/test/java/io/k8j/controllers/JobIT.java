package io.k8j.controllers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A Job runs its pods to completion, kubectl sees it complete, and its TTL removes it. */
class JobIT {
  static ControllersCluster cluster;
  static KubernetesClient client;

  @BeforeAll
  static void start() {
    cluster =
        ControllersCluster.start(
            "job-controller", "ttl-after-finished-controller", "garbage-collector-controller");
    client = cluster.client();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void aJobCompletesAndIsCleanedUpAfterItsTtl() throws Exception {
    SharedIndexInformer<Pod> kubelet =
        client
            .pods()
            .inNamespace("default")
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Pod pod) {
                    Thread.ofVirtual()
                        .start(
                            () -> {
                              try {
                                Thread.sleep(200);
                                client
                                    .pods()
                                    .inNamespace("default")
                                    .withName(pod.getMetadata().getName())
                                    .editStatus(
                                        p -> {
                                          p.getStatus().setPhase("Succeeded");
                                          return p;
                                        });
                              } catch (Exception e) {
                                // gone
                              }
                            });
                  }

                  @Override
                  public void onUpdate(Pod o, Pod n) {}

                  @Override
                  public void onDelete(Pod p, boolean u) {}
                });
    try {
      client
          .resource(
              new JobBuilder()
                  .withNewMetadata()
                  .withNamespace("default")
                  .withName("batch")
                  .endMetadata()
                  .withNewSpec()
                  .withCompletions(3)
                  .withParallelism(2)
                  .withTtlSecondsAfterFinished(3)
                  .withNewTemplate()
                  .withNewSpec()
                  .withRestartPolicy("Never")
                  .addNewContainer()
                  .withName("work")
                  .withImage("busybox")
                  .endContainer()
                  .endSpec()
                  .endTemplate()
                  .endSpec()
                  .build())
          .create();
      Kubectl.run(cluster.api(), "wait", "--for=condition=complete", "job/batch", "--timeout=60s");
      Job done = client.batch().v1().jobs().inNamespace("default").withName("batch").get();
      assertThat(done.getStatus().getSucceeded()).isEqualTo(3);
      assertThat(done.getStatus().getActive()).isZero();
      assertThat(
              client.pods().inNamespace("default").withLabel("job-name", "batch").list().getItems())
          .hasSize(3)
          .allSatisfy(
              p ->
                  assertThat(p.getMetadata().getFinalizers())
                      .doesNotContain("batch.kubernetes.io/job-tracking"));
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                assertThat(
                        client.batch().v1().jobs().inNamespace("default").withName("batch").get())
                    .isNull();
                assertThat(
                        client
                            .pods()
                            .inNamespace("default")
                            .withLabel("job-name", "batch")
                            .list()
                            .getItems())
                    .isEmpty();
              });
    } finally {
      kubelet.close();
    }
  }
}
