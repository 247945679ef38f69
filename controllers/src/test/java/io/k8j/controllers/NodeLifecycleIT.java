package io.k8j.controllers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.k8j.controllers.shared.Taints;
import io.k8j.controllers.shared.Times;
import io.k8j.testing.cluster.TestApiServer;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A node whose heartbeat stops is tainted and its pods evicted, after short configured times. */
class NodeLifecycleIT {
  TestApiServer api;
  KubernetesClient client;
  ControllerManager manager;
  final AtomicBoolean stopB = new AtomicBoolean();
  Thread heartbeats;

  @BeforeEach
  void start() {
    api = TestApiServer.start();
    client = api.client();
    manager =
        new ControllerManager(
            client,
            ControllerManagerOptions.defaults().toBuilder()
                .leaderElect(false)
                .controllers(Set.of("node-lifecycle-controller", "taint-eviction-controller"))
                .nodeMonitorGracePeriod(Duration.ofSeconds(4))
                .nodeStartupGracePeriod(Duration.ofSeconds(4))
                .nodeMonitorPeriod(Duration.ofSeconds(1))
                .nodeEvictionRate(10)
                .build());
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (heartbeats != null) {
      heartbeats.interrupt();
      heartbeats.join(5000);
    }
    manager.close();
    api.close();
  }

  void node(String name) {
    client
        .resource(new NodeBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    heartbeat(name);
  }

  void heartbeat(String name) {
    String now = Times.format(Instant.now());
    client
        .nodes()
        .withName(name)
        .editStatus(
            n -> {
              if (n.getStatus() == null) {
                n.setStatus(new io.fabric8.kubernetes.api.model.NodeStatus());
              }
              NodeCondition ready =
                  n.getStatus().getConditions().stream()
                      .filter(c -> c.getType().equals("Ready"))
                      .findFirst()
                      .orElse(null);
              if (ready == null) {
                n.getStatus()
                    .setConditions(
                        new java.util.ArrayList<>(
                            List.of(
                                new NodeConditionBuilder()
                                    .withType("Ready")
                                    .withStatus("True")
                                    .withReason("KubeletReady")
                                    .withLastHeartbeatTime(now)
                                    .withLastTransitionTime(now)
                                    .build())));
              } else {
                ready.setLastHeartbeatTime(now);
                if (!ready.getStatus().equals("True")) {
                  ready.setStatus("True");
                  ready.setReason("KubeletReady");
                  ready.setLastTransitionTime(now);
                }
              }
              return n;
            });
  }

  void renewLease(String name) {
    var lease =
        new LeaseBuilder()
            .withNewMetadata()
            .withNamespace("kube-node-lease")
            .withName(name)
            .endMetadata()
            .withNewSpec()
            .withHolderIdentity(name)
            .withLeaseDurationSeconds(40)
            .withRenewTime(Instant.now().atZone(ZoneOffset.UTC))
            .endSpec()
            .build();
    if (client.leases().inNamespace("kube-node-lease").withName(name).get() == null) {
      client.resource(lease).create();
    } else {
      client
          .leases()
          .inNamespace("kube-node-lease")
          .withName(name)
          .edit(
              l -> {
                l.getSpec().setRenewTime(Instant.now().atZone(ZoneOffset.UTC));
                return l;
              });
    }
  }

  void pod(String name, String node, Toleration... tolerations) {
    client
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withNamespace("default")
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withNodeName(node)
                .addNewContainer()
                .withName("app")
                .withImage("app:v1")
                .endContainer()
                .withTolerations(tolerations)
                .endSpec()
                .build())
        .create();
  }

  static Toleration tolerateUnreachable(Long seconds) {
    return new TolerationBuilder()
        .withKey(Taints.UNREACHABLE)
        .withOperator("Exists")
        .withEffect("NoExecute")
        .withTolerationSeconds(seconds)
        .build();
  }

  Pod get(String name) {
    return client.pods().inNamespace("default").withName(name).get();
  }

  boolean evicted(String name) {
    Pod p = get(name);
    return p == null || p.getMetadata().getDeletionTimestamp() != null;
  }

  void beat(boolean useLeases) {
    heartbeats =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    while (true) {
                      for (String n :
                          stopB.get() ? List.of("node-a") : List.of("node-a", "node-b")) {
                        if (useLeases) {
                          renewLease(n);
                        } else {
                          heartbeat(n);
                        }
                      }
                      Thread.sleep(500);
                    }
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  } catch (RuntimeException e) {
                    // the server is going away
                  }
                });
  }

  private void silentNodeIsTaintedAndItsPodsEvicted() {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              Node b = client.nodes().withName("node-b").get();
              NodeCondition ready =
                  b.getStatus().getConditions().stream()
                      .filter(c -> c.getType().equals("Ready"))
                      .findFirst()
                      .orElseThrow();
              assertThat(ready.getStatus()).isEqualTo("Unknown");
              assertThat(Taints.of(b))
                  .extracting(t -> t.getKey() + ":" + t.getEffect())
                  .contains(
                      "node.kubernetes.io/unreachable:NoExecute",
                      "node.kubernetes.io/unreachable:NoSchedule");
            });
    Instant tainted = Instant.now();
    await().atMost(Duration.ofSeconds(60)).until(() -> evicted("plain"));
    assertThat(evicted("tolerates-20s")).as("within its toleration").isFalse();
    await().atMost(Duration.ofSeconds(90)).until(() -> evicted("tolerates-20s"));
    assertThat(Duration.between(tainted, Instant.now())).isGreaterThan(Duration.ofSeconds(15));
    assertThat(get("plain").getStatus().getConditions())
        .anySatisfy(c -> assertThat(c.getType()).isEqualTo("DisruptionTarget"));
    assertThat(evicted("tolerates-forever")).isFalse();
    assertThat(evicted("on-a")).isFalse();
    assertThat(Taints.of(client.nodes().withName("node-a").get())).isEmpty();

    stopB.set(false);
    heartbeat("node-b");
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(Taints.of(client.nodes().withName("node-b").get()))
                    .noneMatch(t -> t.getEffect().equals("NoExecute")));
  }

  @Test
  void aNodeWhoseStatusHeartbeatStopsIsTaintedAndItsPodsEvicted() {
    node("node-a");
    node("node-b");
    // admission gives a pod without one a 300 s toleration (DefaultTolerationSeconds); 0 s: evict
    // at once
    pod("plain", "node-b", tolerateUnreachable(0L));
    pod("tolerates-20s", "node-b", tolerateUnreachable(20L));
    pod("tolerates-forever", "node-b", tolerateUnreachable(null));
    pod("on-a", "node-a");
    beat(false);
    manager.start();
    try {
      Thread.sleep(3000);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
    stopB.set(true);
    silentNodeIsTaintedAndItsPodsEvicted();
  }

  @Test
  void aNodeWhoseLeaseIsNoLongerRenewedIsTainted() {
    try {
      renewLease("probe");
    } catch (RuntimeException e) {
      Assumptions.assumeTrue(false, "the API server rejects Lease timestamps: " + e.getMessage());
    }
    node("node-a");
    node("node-b");
    // admission gives a pod without one a 300 s toleration (DefaultTolerationSeconds); 0 s: evict
    // at once
    pod("plain", "node-b", tolerateUnreachable(0L));
    pod("tolerates-20s", "node-b", tolerateUnreachable(20L));
    pod("tolerates-forever", "node-b", tolerateUnreachable(null));
    pod("on-a", "node-a");
    beat(true);
    manager.start();
    try {
      Thread.sleep(6000);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
    assertThat(evicted("plain")).as("leases alone keep node-b healthy").isFalse();
    stopB.set(true);
    silentNodeIsTaintedAndItsPodsEvicted();
  }
}
