package io.k8j.controllers.endpointslice;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.k8j.client.DeepCopy;
import io.k8j.client.fake.FakeInformer;
import io.k8j.client.fake.FakeInformers;
import io.k8j.client.fake.RecordingEventRecorder;
import io.k8j.client.fake.RecordingWriter;
import io.k8j.common.FakeClock;
import io.k8j.controllers.ServiceFixtures;
import io.k8j.controllers.shared.OwnerReferences;
import java.util.List;
import org.junit.jupiter.api.Test;

class EndpointSliceControllerTest {
  final FakeClock clock = new FakeClock();
  final FakeInformers informers = new FakeInformers();
  final RecordingWriter writer = new RecordingWriter(informers, clock);
  final EndpointSliceController controller =
      new EndpointSliceController(informers, writer, new RecordingEventRecorder(), clock);
  final FakeInformer<Service> svcCache = informers.forType(Service.class);
  final FakeInformer<Pod> podCache = informers.forType(Pod.class);

  List<EndpointSlice> slices() {
    return informers.forType(EndpointSlice.class).list();
  }

  List<Endpoint> endpoints() {
    return slices().stream().flatMap(s -> s.getEndpoints().stream()).toList();
  }

  @Test
  void aServiceWithoutPodsHasOnePlaceholderSlice() {
    svcCache.add(ServiceFixtures.service("web", "8080"));
    controller.sync("default/web");
    controller.sync("default/web");
    assertThat(slices())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getEndpoints()).isEmpty();
              assertThat(s.getMetadata().getLabels())
                  .containsEntry("kubernetes.io/service-name", "web")
                  .containsEntry(
                      "endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io")
                  .containsEntry("team", "a");
              assertThat(OwnerReferences.controllerOf(s).getKind()).isEqualTo("Service");
              assertThat(s.getAddressType()).isEqualTo("IPv4");
            });
  }

  @Test
  void endpointsCarryReadyServingAndTerminatingAndAreGroupedByResolvedPorts() {
    svcCache.add(ServiceFixtures.service("web", "http"));
    podCache.add(ServiceFixtures.pod("a", "10.0.0.1", true, 8080));
    podCache.add(ServiceFixtures.pod("b", "10.0.0.2", false, 8080));
    Pod c = ServiceFixtures.pod("c", "10.0.0.3", true, 9090);
    c.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z");
    podCache.add(c);
    controller.sync("default/web");
    assertThat(slices()).hasSize(2);
    EndpointSlice s8080 =
        slices().stream()
            .filter(s -> s.getPorts().get(0).getPort() == 8080)
            .findFirst()
            .orElseThrow();
    assertThat(s8080.getEndpoints())
        .extracting(
            e ->
                e.getAddresses().get(0)
                    + " "
                    + e.getConditions().getReady()
                    + " "
                    + e.getConditions().getServing())
        .containsExactly("10.0.0.1 true true", "10.0.0.2 false false");
    EndpointSlice s9090 =
        slices().stream()
            .filter(s -> s.getPorts().get(0).getPort() == 9090)
            .findFirst()
            .orElseThrow();
    Endpoint terminating = s9090.getEndpoints().get(0);
    assertThat(terminating.getConditions().getTerminating()).isTrue();
    assertThat(terminating.getConditions().getReady()).isFalse();
    assertThat(terminating.getConditions().getServing()).isTrue();
    writer.clear();
    controller.sync("default/web");
    assertThat(writer.log()).isEmpty();
  }

  @Test
  void slicesHoldAtMostAHundredEndpointsAndShrinkAsPodsGo() {
    svcCache.add(ServiceFixtures.service("web", "8080"));
    for (int i = 0; i < 250; i++) {
      podCache.add(
          ServiceFixtures.pod(
              String.format("p%03d", i), "10.0." + (i / 200) + "." + (i % 200), true, 8080));
    }
    controller.sync("default/web");
    assertThat(slices()).hasSize(3);
    assertThat(slices())
        .allSatisfy(s -> assertThat(s.getEndpoints().size()).isLessThanOrEqualTo(100));
    assertThat(endpoints()).hasSize(250);
    for (int i = 0; i < 200; i++) {
      podCache.delete(podCache.get("default", String.format("p%03d", i)));
    }
    writer.clear();
    controller.sync("default/web");
    assertThat(endpoints()).hasSize(50);
    assertThat(slices()).hasSize(1);
    assertThat(writer.log()).noneMatch(l -> l.startsWith("create"));
  }

  @Test
  void aPodThatBecomesReadyUpdatesItsSliceInPlace() {
    svcCache.add(ServiceFixtures.service("web", "8080"));
    Pod a = ServiceFixtures.pod("a", "10.0.0.1", false, 8080);
    podCache.add(a);
    controller.sync("default/web");
    String name = slices().get(0).getMetadata().getName();
    Pod ready = DeepCopy.of(a);
    ready.getStatus().getConditions().get(0).setStatus("True");
    podCache.update(ready);
    controller.sync("default/web");
    assertThat(slices())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getMetadata().getName()).isEqualTo(name);
              assertThat(s.getEndpoints().get(0).getConditions().getReady()).isTrue();
            });
  }
}
