package io.k8j.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.k8j.client.events.ClientEventSink;
import io.k8j.client.events.EventBroadcaster;
import io.k8j.client.events.EventRecorder;
import io.k8j.client.impl.ClientDynamicClient;
import io.k8j.client.impl.ClientObjectWriter;
import io.k8j.client.leaderelection.ClientLeaseLock;
import io.k8j.client.leaderelection.LeaderElectionConfig;
import io.k8j.client.leaderelection.LeaderElector;
import io.k8j.common.Clock;
import io.k8j.testing.cluster.TestApiServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ClientIT {
  static TestApiServer api;
  static KubernetesClient client;

  @BeforeAll
  static void start() {
    api = TestApiServer.start();
    client = api.client();
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  private static ConfigMap configMap(String name) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withNamespace("default")
        .withName(name)
        .endMetadata()
        .addToData("k", "v")
        .build();
  }

  @Test
  void informersSeeWritesAndHandlersAreTold() {
    ObjectWriter writer = new ClientObjectWriter(client);
    try (SharedInformers informers = new SharedInformers(client)) {
      Informer<ConfigMap> cms = informers.forType(ConfigMap.class);
      AtomicInteger adds = new AtomicInteger();
      cms.addEventHandler(
          new io.fabric8.kubernetes.client.informers.ResourceEventHandler<>() {
            @Override
            public void onAdd(ConfigMap obj) {
              if (obj.getMetadata().getName().equals("seen")) {
                adds.incrementAndGet();
              }
            }

            @Override
            public void onUpdate(ConfigMap oldObj, ConfigMap newObj) {}

            @Override
            public void onDelete(ConfigMap obj, boolean unknown) {}
          });
      informers.start();
      await().atMost(Duration.ofSeconds(60)).until(cms::hasSynced);
      ConfigMap created = writer.create(configMap("seen"));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> cms.lister().get("default", "seen") != null);
      assertThat(adds.get()).isEqualTo(1);
      assertThat(cms.lister().list("default"))
          .extracting(c -> c.getMetadata().getName())
          .contains("seen");

      ConfigMap changed = DeepCopy.of(created);
      changed.getData().put("k", "w");
      writer.update(changed);
      assertThatThrownBy(() -> writer.update(changed)).matches(ApiErrors::isConflict);
      writer.patch(created, "{\"data\":{\"p\":\"q\"}}");
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> "q".equals(cms.lister().get("default/seen").getData().get("p")));

      assertThatThrownBy(
              () -> writer.delete(created, Deletion.DEFAULT.withPreconditionUid("not-its-uid")))
          .matches(ApiErrors::isConflict);
      assertThat(
              writer.delete(
                  created, Deletion.DEFAULT.withPreconditionUid(created.getMetadata().getUid())))
          .isTrue();
      assertThat(writer.delete(created, Deletion.DEFAULT)).isFalse();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> cms.lister().get("default", "seen") == null);
    }
  }

  @Test
  void discoveryListsServedResourcesAndDynamicWritesWork() {
    DynamicClient dynamic = new ClientDynamicClient(client);
    List<ApiResource> resources = dynamic.discover();
    assertThat(resources)
        .extracting(ApiResource::plural)
        .contains("pods", "configmaps", "namespaces");
    ApiResource cm =
        resources.stream().filter(r -> r.plural().equals("configmaps")).findFirst().orElseThrow();
    client.resource(configMap("dyn")).create();
    assertThat(dynamic.get(cm, "default", "dyn")).isNotNull();
    assertThat(
            dynamic
                .patch(cm, "default", "dyn", "{\"metadata\":{\"labels\":{\"a\":\"b\"}}}")
                .getMetadata()
                .getLabels())
        .containsEntry("a", "b");
    assertThat(dynamic.delete(cm, "default", "dyn", Deletion.DEFAULT)).isTrue();
    assertThat(dynamic.get(cm, "default", "dyn")).isNull();
  }

  @Test
  void repeatedEventsAreAggregatedIntoOneWithACount() {
    ConfigMap cm = client.resource(configMap("events-about-me")).create();
    try (EventBroadcaster broadcaster =
        new EventBroadcaster(new ClientEventSink(client), Clock.SYSTEM)) {
      EventRecorder recorder = broadcaster.newRecorder("test-controller", null);
      for (int i = 0; i < 5; i++) {
        recorder.event(cm, EventRecorder.WARNING, "CrashLoop", "it fell over");
      }
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                List<Event> events = eventsFor("events-about-me");
                assertThat(events).hasSize(1);
                assertThat(events.get(0).getCount()).isEqualTo(5);
                assertThat(events.get(0).getSource().getComponent()).isEqualTo("test-controller");
              });
    }
  }

  private static List<Event> eventsFor(String name) {
    return client.v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  @Test
  void ofThreeCandidatesExactlyOneLeadsAndAnotherTakesOverWhenItStops() throws Exception {
    // a renewal on a loaded machine can take seconds: a deadline that short would let the leader
    // go and another take over while the test watches; closing releases the lease, so the
    // takeover does not wait for the lease to expire
    LeaderElectionConfig base =
        new LeaderElectionConfig(
            "x", Duration.ofSeconds(20), Duration.ofSeconds(15), Duration.ofMillis(200));
    AtomicInteger leaders = new AtomicInteger();
    AtomicInteger maxLeaders = new AtomicInteger();
    List<LeaderElector> electors = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    List<String> started = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (String id : List.of("a", "b", "c")) {
      LeaderElector e =
          new LeaderElector(
              new ClientLeaseLock(client, "kube-system", "test-election"),
              new LeaderElectionConfig(
                  id, base.leaseDuration(), base.renewDeadline(), base.retryPeriod()),
              Clock.SYSTEM);
      electors.add(e);
      threads.add(
          Thread.ofVirtual()
              .start(
                  () ->
                      e.run(
                          new LeaderElector.Callbacks() {
                            @Override
                            public void onStartedLeading() {
                              started.add(id);
                              maxLeaders.accumulateAndGet(leaders.incrementAndGet(), Math::max);
                            }

                            @Override
                            public void onStoppedLeading() {
                              leaders.decrementAndGet();
                            }
                          })));
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> started.size() == 1);
    Thread.sleep(1000);
    assertThat(started).hasSize(1);
    LeaderElector first = electors.get(List.of("a", "b", "c").indexOf(started.get(0)));
    first.close();
    await().atMost(Duration.ofSeconds(60)).until(() -> started.size() == 2);
    assertThat(maxLeaders.get()).isEqualTo(1);
    electors.forEach(LeaderElector::close);
    for (Thread t : threads) {
      t.join(Duration.ofSeconds(30));
    }
  }
}
