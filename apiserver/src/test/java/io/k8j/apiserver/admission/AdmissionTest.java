package io.k8j.apiserver.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.ApiClient;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.TestApiServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admission plugins as a client sees them: defaults filled in, refusals with upstream's words.
 */
class AdmissionTest {
  static TestApiServer server;
  static ApiClient admin;

  @BeforeAll
  static void start() throws Exception {
    server = TestApiServer.start();
    admin = new ApiClient(server.kubeconfig());
    for (String ns : new String[] {"limits", "quota", "psa", "tol", "scoped", "quota-update"}) {
      admin.post("/api/v1/namespaces", json("{'metadata':{'name':'" + ns + "'}}"));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  static ObjectNode json(String s) {
    return Json.parseObject(s.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
  }

  private static ApiClient.Response pod(String ns, String name, String containerExtra)
      throws Exception {
    return admin.post(
        "/api/v1/namespaces/" + ns + "/pods",
        json(
            "{'metadata':{'name':'"
                + name
                + "'},'spec':{'containers':[{'name':'c','image':'busybox'"
                + containerExtra
                + "}]}}"));
  }

  /** Waits until the quota's {@code status.used} shows {@code value} for {@code resource}. */
  private static void awaitQuotaUsed(String ns, String quota, String resource, String value) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(
                        admin
                            .get("/api/v1/namespaces/" + ns + "/resourcequotas/" + quota)
                            .json()
                            .path("status")
                            .path("used")
                            .path(resource)
                            .asText())
                    .isEqualTo(value));
  }

  @Test
  void limitRangerFillsDefaultsAndRefusesWhatExceedsMax() throws Exception {
    ApiClient.Response lr =
        admin.post(
            "/api/v1/namespaces/limits/limitranges",
            json(
                "{'metadata':{'name':'lr'},'spec':{'limits':[{'type':'Container','max':{'cpu':'1'},"
                    + "'defaultRequest':{'cpu':'100m','memory':'32Mi'},'default':{'memory':'64Mi'}}]}}"));
    assertThat(lr.code()).isEqualTo(201);
    ApiClient.Response ok = pod("limits", "defaulted", "");
    assertThat(ok.code()).as(ok.body()).isEqualTo(201);
    var resources = ok.json().path("spec").path("containers").get(0).path("resources");
    assertThat(resources.path("requests").path("cpu").asText()).isEqualTo("100m");
    assertThat(resources.path("limits").path("cpu").asText()).isEqualTo("1");
    assertThat(resources.path("limits").path("memory").asText()).isEqualTo("64Mi");
    assertThat(
            ok.json()
                .path("metadata")
                .path("annotations")
                .path("kubernetes.io/limit-ranger")
                .asText())
        .startsWith("LimitRanger plugin set: ");
    ApiClient.Response big =
        pod("limits", "big", ",'resources':{'limits':{'cpu':'2'},'requests':{'cpu':'2'}}");
    assertThat(big.code()).isEqualTo(403);
    assertThat(big.json().path("message").asText())
        .isEqualTo(
            "pods \"big\" is forbidden: maximum cpu usage per Container is 1, but limit is 2");
  }

  @Test
  void resourceQuotaCountsAndRefusesWithTheQuotaNamed() throws Exception {
    ApiClient.Response q =
        admin.post(
            "/api/v1/namespaces/quota/resourcequotas",
            json("{'metadata':{'name':'q'},'spec':{'hard':{'count/configmaps':'2','pods':'5'}}}"));
    assertThat(q.code()).isEqualTo(201);
    assertThat(q.json().path("status").path("used").path("count/configmaps").asText())
        .isEqualTo("0");
    for (String name : new String[] {"a", "b"}) {
      assertThat(
              admin
                  .post(
                      "/api/v1/namespaces/quota/configmaps",
                      json("{'metadata':{'name':'" + name + "'}}"))
                  .code())
          .isEqualTo(201);
    }
    ApiClient.Response third =
        admin.post("/api/v1/namespaces/quota/configmaps", json("{'metadata':{'name':'c'}}"));
    assertThat(third.code()).isEqualTo(403);
    assertThat(third.json().path("message").asText())
        .isEqualTo(
            "configmaps \"c\" is forbidden: exceeded quota: q, requested: count/configmaps=1,"
                + " used: count/configmaps=2, limited: count/configmaps=2");
    ObjectNode status = admin.get("/api/v1/namespaces/quota/resourcequotas/q").json();
    assertThat(status.path("status").path("used").path("count/configmaps").asText()).isEqualTo("2");
    assertThat(status.path("status").path("hard").path("pods").asText()).isEqualTo("5");
    assertThat(admin.delete("/api/v1/namespaces/quota/configmaps/a").code()).isEqualTo(200);
    awaitQuotaUsed("quota", "q", "count/configmaps", "1");
  }

  @Test
  void computeQuotaNeedsRequestsAndSumsThem() throws Exception {
    admin.post(
        "/api/v1/namespaces/quota/resourcequotas",
        json("{'metadata':{'name':'compute'},'spec':{'hard':{'requests.cpu':'500m'}}}"));
    ApiClient.Response none = pod("quota", "none", "");
    assertThat(none.code()).isEqualTo(403);
    assertThat(none.json().path("message").asText())
        .isEqualTo(
            "pods \"none\" is forbidden: failed quota: compute: must specify requests.cpu for: c");
    String req = ",'resources':{'requests':{'cpu':'300m'}}";
    assertThat(pod("quota", "first", req).code()).isEqualTo(201);
    ApiClient.Response second = pod("quota", "second", req);
    assertThat(second.code()).isEqualTo(403);
    assertThat(second.json().path("message").asText())
        .isEqualTo(
            "pods \"second\" is forbidden: exceeded quota: compute, requested: requests.cpu=300m,"
                + " used: requests.cpu=300m, limited: requests.cpu=500m");
  }

  @Test
  void scopedQuotaCountsOnlyThePodsItsScopesMatch() throws Exception {
    ApiClient.Response q =
        admin.post(
            "/api/v1/namespaces/scoped/resourcequotas",
            json(
                "{'metadata':{'name':'best-effort'},'spec':{'hard':{'pods':'1'},"
                    + "'scopes':['BestEffort','NotTerminating']}}"));
    assertThat(q.code()).as(q.body()).isEqualTo(201);
    assertThat(pod("scoped", "be1", "").code()).isEqualTo(201);
    String burstable = ",'resources':{'requests':{'cpu':'10m'}}";
    assertThat(pod("scoped", "burstable", burstable).code()).isEqualTo(201);
    assertThat(
            admin
                .post("/api/v1/namespaces/scoped/configmaps", json("{'metadata':{'name':'c'}}"))
                .code())
        .isEqualTo(201);
    ApiClient.Response be2 = pod("scoped", "be2", "");
    assertThat(be2.code()).isEqualTo(403);
    assertThat(be2.json().path("message").asText())
        .isEqualTo(
            "pods \"be2\" is forbidden: exceeded quota: best-effort, requested: pods=1,"
                + " used: pods=1, limited: pods=1");
    awaitQuotaUsed("scoped", "best-effort", "pods", "1");
  }

  @Test
  void updatesAreChargedWhatTheyAdd() throws Exception {
    admin.post(
        "/api/v1/namespaces/quota-update/resourcequotas",
        json(
            "{'metadata':{'name':'q'},'spec':{'hard':{'services.nodeports':'1',"
                + "'services.loadbalancers':'0','requests.storage':'2Gi'}}}"));
    ApiClient.Response svc =
        admin.post(
            "/api/v1/namespaces/quota-update/services",
            json(
                "{'metadata':{'name':'s'},'spec':{'ports':[{'name':'a','port':80},"
                    + "{'name':'b','port':81}]}}"));
    assertThat(svc.code()).as(svc.body()).isEqualTo(201);
    ObjectNode nodePort = svc.json();
    ((ObjectNode) nodePort.path("spec")).put("type", "NodePort");
    ApiClient.Response changed = admin.put("/api/v1/namespaces/quota-update/services/s", nodePort);
    assertThat(changed.code()).isEqualTo(403);
    assertThat(changed.json().path("message").asText())
        .isEqualTo(
            "services \"s\" is forbidden: exceeded quota: q, requested: services.nodeports=2,"
                + " used: services.nodeports=0, limited: services.nodeports=1");
    ApiClient.Response claim =
        admin.post(
            "/api/v1/namespaces/quota-update/persistentvolumeclaims",
            json(
                "{'metadata':{'name':'data'},'spec':{'accessModes':['ReadWriteOnce'],"
                    + "'resources':{'requests':{'storage':'1Gi'}}}}"));
    assertThat(claim.code()).as(claim.body()).isEqualTo(201);
    ObjectNode bigger = claim.json();
    ((ObjectNode) bigger.path("spec").path("resources").path("requests")).put("storage", "3Gi");
    ApiClient.Response grown =
        admin.put("/api/v1/namespaces/quota-update/persistentvolumeclaims/data", bigger);
    assertThat(grown.code()).isEqualTo(403);
    assertThat(grown.json().path("message").asText())
        .isEqualTo(
            "persistentvolumeclaims \"data\" is forbidden: exceeded quota: q, requested:"
                + " requests.storage=2Gi, used: requests.storage=1Gi, limited: requests.storage=2Gi");
  }

  @Test
  void podSecurityEnforcesAndWarnsWithUpstreamsReasons() throws Exception {
    admin.send(
        admin
            .request("/api/v1/namespaces/psa")
            .header("Content-Type", "application/merge-patch+json")
            .method(
                "PATCH",
                HttpRequest.BodyPublishers.ofString(
                    "{\"metadata\":{\"labels\":{\"pod-security.kubernetes.io/enforce\":\"baseline\","
                        + "\"pod-security.kubernetes.io/warn\":\"restricted\"}}}")));
    ApiClient.Response privileged = pod("psa", "priv", ",'securityContext':{'privileged':true}");
    assertThat(privileged.code()).isEqualTo(403);
    assertThat(privileged.json().path("message").asText())
        .isEqualTo(
            "pods \"priv\" is forbidden: violates PodSecurity \"baseline:latest\": privileged"
                + " (container \"c\" must not set securityContext.privileged=true)");
    HttpResponse<String> warned =
        admin
            .http()
            .send(
                admin
                    .request("/api/v1/namespaces/psa/pods")
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"metadata\":{\"name\":\"plain\"},\"spec\":{\"containers\":"
                                + "[{\"name\":\"c\",\"image\":\"busybox\"}]}}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(warned.statusCode()).isEqualTo(201);
    assertThat(warned.headers().allValues("Warning"))
        .containsExactly(
            "299 - \"would violate PodSecurity \\\"restricted:latest\\\": allowPrivilegeEscalation"
                + " != false (container \\\"c\\\" must set"
                + " securityContext.allowPrivilegeEscalation=false), unrestricted capabilities"
                + " (container \\\"c\\\" must set securityContext.capabilities.drop=[\\\"ALL\\\"]),"
                + " runAsNonRoot != true (pod or container \\\"c\\\" must set"
                + " securityContext.runAsNonRoot=true), seccompProfile (pod or container \\\"c\\\""
                + " must set securityContext.seccompProfile.type to \\\"RuntimeDefault\\\" or"
                + " \\\"Localhost\\\")\"");
  }

  @Test
  void podsTolerateNotReadyAndUnreachableForFiveMinutes() throws Exception {
    ApiClient.Response r = pod("tol", "p", "");
    assertThat(r.code()).isEqualTo(201);
    assertThat(r.json().path("spec").path("tolerations").toString())
        .contains(
            "{\"key\":\"node.kubernetes.io/not-ready\",\"operator\":\"Exists\",\"effect\":\"NoExecute\",\"tolerationSeconds\":300}")
        .contains("node.kubernetes.io/unreachable");
  }
}
