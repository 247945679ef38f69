package io.k8j.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Leases carry MicroTime timestamps, which leader election and node heartbeats write. */
class LeaseTimestampTest {
  static TestApiServer server;
  static ApiClient api;

  @BeforeAll
  static void start() throws Exception {
    server = TestApiServer.start();
    api = new ApiClient(server.kubeconfig());
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  static ObjectNode lease(String name, Object acquireTime) {
    ObjectNode l = Json.object().put("apiVersion", "coordination.k8s.io/v1").put("kind", "Lease");
    Json.metadata(l).put("name", name);
    ObjectNode spec = l.putObject("spec").put("holderIdentity", "me");
    spec.put("leaseDurationSeconds", 15);
    if (acquireTime instanceof String s) {
      spec.put("acquireTime", s).put("renewTime", s);
    } else {
      spec.put("acquireTime", (Integer) acquireTime);
    }
    return l;
  }

  @Test
  void microTimeTimestampsAreAccepted() throws Exception {
    var r =
        api.post(
            "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases?fieldValidation=Strict",
            lease("holder", "2026-11-21T22:29:36.272000Z"));
    assertThat(r.code()).as(r.body()).isEqualTo(201);
    assertThat(r.json().path("spec").path("renewTime").asText())
        .isEqualTo("2026-11-21T22:29:36.272000Z");
  }

  @Test
  void aNumberWhereATimestampBelongsIsABadRequest() throws Exception {
    var r =
        api.post(
            "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases?fieldValidation=Strict",
            lease("numbered", 12));
    assertThat(r.code()).isEqualTo(400);
    assertThat(r.json().path("message").asText()).contains("spec.acquireTime");
  }
}
