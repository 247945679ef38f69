package io.k8j.scheduler;

import static io.k8j.scheduler.TestObjects.node;
import static io.k8j.scheduler.TestObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.k8j.scheduler.config.ConfigurationLoader;
import io.k8j.testing.cluster.TestApiServer;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Several copies of the scheduler on one API server: one leads and schedules, the next takes over.
 */
class LeaderElectionIT {
  private static final String FAST_LEASES =
      """
      apiVersion: kubescheduler.config.k8s.io/v1
      kind: KubeSchedulerConfiguration
      leaderElection:
        leaderElect: true
        leaseDuration: 20s
        renewDeadline: 15s
        retryPeriod: 500ms
      """;

  @Test
  void exactlyOneCopySchedulesAndAnotherTakesOver() {
    try (TestApiServer api = TestApiServer.start()) {
      KubernetesClient client = api.client();
      assumeTrue(
          leasesAccepted(client),
          "the API server rejects Leases with timestamps (fabric8's ZonedDateTime fields fail its"
              + " schema check), so no copy can take the lease");
      client.nodes().resource(node("n1").build()).create();
      SchedulerOptions opts =
          SchedulerOptions.defaults().withConfiguration(ConfigurationLoader.parse(FAST_LEASES));
      Scheduler a = new Scheduler(api.client(), opts.withIdentity("a"));
      Scheduler b = new Scheduler(api.client(), opts.withIdentity("b"));
      try {
        a.start();
        b.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> a.isActive() || b.isActive());
        await()
            .during(Duration.ofSeconds(2))
            .atMost(Duration.ofSeconds(60))
            .until(() -> a.isActive() != b.isActive());
        Scheduler leader = a.isActive() ? a : b;
        Scheduler follower = leader == a ? b : a;
        String holder =
            client
                .leases()
                .inNamespace("kube-system")
                .withName("kube-scheduler")
                .get()
                .getSpec()
                .getHolderIdentity();
        assertThat(holder).isEqualTo(leader.options().identity());

        client.pods().inNamespace("default").resource(pod("first").build()).create();
        await().atMost(Duration.ofSeconds(60)).until(() -> bound(client, "first"));
        assertThat(leader.metrics().counts().scheduled()).isEqualTo(1);
        assertThat(follower.metrics().counts().scheduled()).isZero();

        leader.close();
        await().atMost(Duration.ofSeconds(60)).until(follower::isActive);
        client.pods().inNamespace("default").resource(pod("second").build()).create();
        await().atMost(Duration.ofSeconds(60)).until(() -> bound(client, "second"));
        assertThat(follower.metrics().counts().scheduled()).isEqualTo(1);
      } finally {
        for (Scheduler s : List.of(a, b)) {
          s.close();
        }
      }
    }
  }

  private static boolean leasesAccepted(KubernetesClient client) {
    try {
      client
          .leases()
          .inNamespace("default")
          .resource(
              new LeaseBuilder()
                  .withNewMetadata()
                  .withName("probe")
                  .endMetadata()
                  .withNewSpec()
                  .withHolderIdentity("probe")
                  .withRenewTime(ZonedDateTime.now(ZoneOffset.UTC))
                  .endSpec()
                  .build())
          .create();
      client.leases().inNamespace("default").withName("probe").delete();
      return true;
    } catch (KubernetesClientException e) {
      return false;
    }
  }

  private static boolean bound(KubernetesClient client, String name) {
    Pod p = client.pods().inNamespace("default").withName(name).get();
    return p != null && p.getSpec().getNodeName() != null;
  }
}
