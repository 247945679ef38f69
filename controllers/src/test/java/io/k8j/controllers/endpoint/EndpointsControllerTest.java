package io.k8j.controllers.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.k8j.client.DeepCopy;
import io.k8j.client.fake.FakeInformer;
import io.k8j.client.fake.FakeInformers;
import io.k8j.client.fake.RecordingEventRecorder;
import io.k8j.client.fake.RecordingWriter;
import io.k8j.common.FakeClock;
import io.k8j.controllers.ServiceFixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EndpointsControllerTest {
  final FakeClock clock = new FakeClock();
  final FakeInformers informers = new FakeInformers();
  final RecordingWriter writer = new RecordingWriter(informers, clock);
  final EndpointsController controller =
      new EndpointsController(informers, writer, new RecordingEventRecorder(), clock);
  final FakeInformer<Service> svcCache = informers.forType(Service.class);
  final FakeInformer<Pod> podCache = informers.forType(Pod.class);

  Endpoints endpoints() {
    return informers.forType(Endpoints.class).get("default", "web");
  }

  static List<String> ips(List<EndpointAddress> a) {
    return a.stream().map(EndpointAddress::getIp).toList();
  }

  @Test
  void readyAndNotReadyPodsAreListedWithTheirPortsAndPodsWithoutAnIpAreLeftOut() {
    svcCache.add(ServiceFixtures.service("web", "8080"));
    podCache.add(ServiceFixtures.pod("a", "10.0.0.1", true, 8080));
    podCache.add(ServiceFixtures.pod("b", "10.0.0.2", false, 8080));
    Pod noIp = ServiceFixtures.pod("c", null, true, 8080);
    podCache.add(noIp);
    Pod other = ServiceFixtures.pod("other", "10.0.0.9", true, 8080);
    other.getMetadata().setLabels(Map.of("app", "other"));
    podCache.add(other);
    controller.sync("default/web");
    Endpoints ep = endpoints();
    assertThat(ep.getSubsets()).hasSize(1);
    EndpointSubset s = ep.getSubsets().get(0);
    assertThat(ips(s.getAddresses())).containsExactly("10.0.0.1");
    assertThat(ips(s.getNotReadyAddresses())).containsExactly("10.0.0.2");
    assertThat(s.getPorts())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getName()).isEqualTo("http");
              assertThat(p.getPort()).isEqualTo(8080);
            });
    assertThat(s.getAddresses().get(0).getTargetRef().getName()).isEqualTo("a");
    assertThat(s.getAddresses().get(0).getNodeName()).isEqualTo("n1");
    assertThat(ep.getMetadata().getLabels()).containsEntry("team", "a");
    writer.clear();
    controller.sync("default/web");
    assertThat(writer.log()).as("nothing changed, nothing written").isEmpty();
  }

  @Test
  void namedTargetPortsAreResolvedPerPod() {
    svcCache.add(ServiceFixtures.service("web", "http"));
    podCache.add(ServiceFixtures.pod("a", "10.0.0.1", true, 8080));
    podCache.add(ServiceFixtures.pod("b", "10.0.0.2", true, 9090));
    podCache.add(ServiceFixtures.pod("c", "10.0.0.3", true, 8080));
    controller.sync("default/web");
    List<EndpointSubset> subsets = endpoints().getSubsets();
    assertThat(subsets).hasSize(2);
    assertThat(subsets)
        .anySatisfy(
            s -> {
              assertThat(s.getPorts().get(0).getPort()).isEqualTo(8080);
              assertThat(ips(s.getAddresses())).containsExactly("10.0.0.1", "10.0.0.3");
            })
        .anySatisfy(
            s -> {
              assertThat(s.getPorts().get(0).getPort()).isEqualTo(9090);
              assertThat(ips(s.getAddresses())).containsExactly("10.0.0.2");
            });
  }

  @Test
  void endpointsFollowPodsComingGoingAndBecomingReady() {
    svcCache.add(ServiceFixtures.service("web", "8080"));
    controller.sync("default/web");
    assertThat(endpoints().getSubsets()).isEmpty();
    Pod a = ServiceFixtures.pod("a", "10.0.0.1", false, 8080);
    podCache.add(a);
    assertThat(controller.queue().length()).as("a pod of the Service queues it").isEqualTo(1);
    controller.sync("default/web");
    assertThat(ips(endpoints().getSubsets().get(0).getNotReadyAddresses()))
        .containsExactly("10.0.0.1");
    Pod ready = DeepCopy.of(a);
    ready.getStatus().getConditions().get(0).setStatus("True");
    ready.getMetadata().setResourceVersion("2");
    podCache.update(ready);
    controller.sync("default/web");
    assertThat(ips(endpoints().getSubsets().get(0).getAddresses())).containsExactly("10.0.0.1");
    Pod deleting = DeepCopy.of(ready);
    deleting.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z");
    deleting.getMetadata().setResourceVersion("3");
    podCache.update(deleting);
    controller.sync("default/web");
    assertThat(endpoints().getSubsets()).as("terminating pods leave Endpoints").isEmpty();
  }

  @Test
  void theEndpointsOfADeletedServiceAreDeletedAndServicesWithoutSelectorAreLeftAlone() {
    Service web = ServiceFixtures.service("web", "8080");
    svcCache.add(web);
    controller.sync("default/web");
    assertThat(endpoints()).isNotNull();
    svcCache.delete(web);
    controller.sync("default/web");
    assertThat(endpoints()).isNull();
    Service manual = ServiceFixtures.service("manual", "8080");
    manual.getSpec().setSelector(null);
    svcCache.add(manual);
    writer.clear();
    controller.sync("default/manual");
    assertThat(writer.log()).isEmpty();
  }
}
