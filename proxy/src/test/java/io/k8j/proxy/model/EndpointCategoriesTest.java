package io.k8j.proxy.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Upstream's endpoint selection, case by case (the cases of upstream's topology_test.go). */
class EndpointCategoriesTest {
  static final Endpoint LOCAL_READY = ep("10.0.0.1", true, true, true, false);
  static final Endpoint REMOTE_READY = ep("10.0.0.2", false, true, true, false);
  static final Endpoint LOCAL_TERMINATING = ep("10.0.0.3", true, false, true, true);
  static final Endpoint REMOTE_TERMINATING = ep("10.0.0.4", false, false, true, true);
  static final Endpoint REMOTE_NOT_SERVING = ep("10.0.0.5", false, false, false, true);
  static final Endpoint REMOTE_NOT_READY = ep("10.0.0.6", false, false, false, false);

  record Case(
      String name,
      boolean internalLocal,
      boolean externalLocal,
      boolean nodePort,
      List<Endpoint> endpoints,
      List<Endpoint> cluster,
      List<Endpoint> local,
      List<Endpoint> allReachable,
      boolean hasAny) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            "cluster policy: ready endpoints only",
            false,
            false,
            false,
            List.of(LOCAL_READY, REMOTE_READY, REMOTE_TERMINATING, REMOTE_NOT_READY),
            List.of(LOCAL_READY, REMOTE_READY),
            List.of(),
            List.of(LOCAL_READY, REMOTE_READY),
            true),
        new Case(
            "cluster policy, nothing ready: serving terminating endpoints",
            false,
            false,
            false,
            List.of(REMOTE_TERMINATING, REMOTE_NOT_SERVING, REMOTE_NOT_READY),
            List.of(REMOTE_TERMINATING),
            List.of(),
            List.of(REMOTE_TERMINATING),
            true),
        new Case(
            "cluster policy, nothing serving: no endpoints",
            false,
            false,
            false,
            List.of(REMOTE_NOT_SERVING, REMOTE_NOT_READY),
            List.of(),
            List.of(),
            List.of(),
            false),
        new Case(
            "internal Local: local ready endpoints only",
            true,
            false,
            false,
            List.of(LOCAL_READY, REMOTE_READY, LOCAL_TERMINATING),
            List.of(),
            List.of(LOCAL_READY),
            List.of(LOCAL_READY),
            true),
        new Case(
            "internal Local, no local endpoint: none reachable, but some exist",
            true,
            false,
            false,
            List.of(REMOTE_READY),
            List.of(),
            List.of(),
            List.of(),
            true),
        new Case(
            "internal Local, local only terminating: it drains",
            true,
            false,
            false,
            List.of(LOCAL_TERMINATING, REMOTE_READY),
            List.of(),
            List.of(LOCAL_TERMINATING),
            List.of(LOCAL_TERMINATING),
            true),
        new Case(
            "external Local on a node port: cluster for internal, local for external",
            false,
            true,
            true,
            List.of(LOCAL_READY, REMOTE_READY),
            List.of(LOCAL_READY, REMOTE_READY),
            List.of(LOCAL_READY),
            List.of(LOCAL_READY, REMOTE_READY),
            true),
        new Case(
            "external Local, local terminating while remote ready: both reachable",
            false,
            true,
            true,
            List.of(LOCAL_TERMINATING, REMOTE_READY),
            List.of(REMOTE_READY),
            List.of(LOCAL_TERMINATING),
            List.of(REMOTE_READY, LOCAL_TERMINATING),
            true),
        new Case(
            "external Local without a node port or load balancer: it is not external",
            false,
            true,
            false,
            List.of(LOCAL_READY, REMOTE_READY),
            List.of(LOCAL_READY, REMOTE_READY),
            List.of(),
            List.of(LOCAL_READY, REMOTE_READY),
            true),
        new Case(
            "both Local: local endpoints for everything",
            true,
            true,
            true,
            List.of(LOCAL_READY, REMOTE_READY),
            List.of(),
            List.of(LOCAL_READY),
            List.of(LOCAL_READY),
            true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void categorizes(Case c) {
    ServicePortInfo svc =
        new ServicePortInfo(
            new ServicePortName("ns", "svc", "", "TCP"),
            "10.43.0.10",
            80,
            c.nodePort() ? 30080 : 0,
            List.of(),
            List.of(),
            List.of(),
            false,
            0,
            c.internalLocal(),
            c.externalLocal());
    EndpointCategories got = EndpointCategories.of(svc, c.endpoints());
    assertThat(got.cluster()).as("cluster").containsExactlyElementsOf(c.cluster());
    assertThat(got.local()).as("local").containsExactlyElementsOf(c.local());
    assertThat(got.allReachable()).as("all reachable").containsExactlyElementsOf(c.allReachable());
    assertThat(got.hasAny()).as("has any").isEqualTo(c.hasAny());
  }

  private static Endpoint ep(
      String ip, boolean local, boolean ready, boolean serving, boolean terminating) {
    return new Endpoint(ip, 80, local, ready, serving, terminating);
  }
}
