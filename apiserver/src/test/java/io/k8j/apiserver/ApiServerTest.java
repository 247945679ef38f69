package io.k8j.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The API's request and response semantics, over HTTPS against a server on an embedded store. */
class ApiServerTest {
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

  static ObjectNode configMap(String name) {
    ObjectNode cm = Json.object().put("apiVersion", "v1").put("kind", "ConfigMap");
    Json.metadata(cm).put("name", name);
    cm.putObject("data").put("k", "v");
    return cm;
  }

  @Test
  void anonymousRequestsAre403AndBadTokens401ButHealthAndVersionAreOpen() throws Exception {
    var plain = HttpRequest.newBuilder(java.net.URI.create(api.server() + "/api/v1/pods"));
    var r = api.http().send(plain.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(Json.parseObject(r.body().getBytes(StandardCharsets.UTF_8)).path("message").asText())
        .isEqualTo(
            "pods is forbidden: User \"system:anonymous\" cannot list resource \"pods\" in API"
                + " group \"\" at the cluster scope");
    var bad = plain.header("Authorization", "Bearer not-a-token").build();
    var u = api.http().send(bad, java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(u.statusCode()).isEqualTo(401);
    assertThat(Json.parseObject(u.body().getBytes(StandardCharsets.UTF_8)).path("reason").asText())
        .isEqualTo("Unauthorized");
    for (String open : List.of("/healthz", "/livez", "/readyz", "/version")) {
      var h =
          api.http()
              .send(
                  HttpRequest.newBuilder(java.net.URI.create(api.server() + open)).build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(h.statusCode()).as(open).isEqualTo(200);
    }
  }

  @Test
  void versionIsKubernetes132SoKubectlPicksItsMatchingBinary() throws Exception {
    ObjectNode v = api.get("/version").json();
    assertThat(v.path("major").asText()).isEqualTo("1");
    assertThat(v.path("minor").asText()).isEqualTo("32");
    assertThat(v.path("gitVersion").asText()).startsWith("v1.32.");
  }

  @Test
  void aggregatedDiscoveryNamesItsFormInTheContentType() throws Exception {
    var r =
        api.send(
            api.request("/apis")
                .header(
                    "Accept",
                    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"));
    assertThat(r.contentType())
        .contains("g=apidiscovery.k8s.io")
        .contains("v=v2")
        .contains("as=APIGroupDiscoveryList");
    JsonNode apps = null;
    for (JsonNode g : r.json().path("items")) {
      if (g.path("metadata").path("name").asText().equals("apps")) {
        apps = g;
      }
    }
    assertThat(apps).isNotNull();
    JsonNode deployments = null;
    for (JsonNode res : apps.path("versions").path(0).path("resources")) {
      if (res.path("resource").asText().equals("deployments")) {
        deployments = res;
      }
    }
    assertThat(deployments.path("responseKind").path("kind").asText()).isEqualTo("Deployment");
    assertThat(deployments.path("scope").asText()).isEqualTo("Namespaced");
    assertThat(deployments.path("shortNames").toString()).contains("deploy");
    assertThat(deployments.path("subresources").toString()).contains("scale").contains("Scale");
  }

  @Test
  void createGetDeleteAndTheStatusErrorsOnTheWay() throws Exception {
    var created = api.post("/api/v1/namespaces/default/configmaps", configMap("cgd"));
    assertThat(created.code()).isEqualTo(201);
    JsonNode meta = created.json().path("metadata");
    assertThat(meta.path("uid").asText()).isNotEmpty();
    assertThat(meta.path("creationTimestamp").asText()).endsWith("Z");
    assertThat(meta.path("resourceVersion").asLong()).isPositive();

    var again = api.post("/api/v1/namespaces/default/configmaps", configMap("cgd"));
    assertThat(again.code()).isEqualTo(409);
    assertThat(again.json().path("reason").asText()).isEqualTo("AlreadyExists");
    assertThat(again.json().path("message").asText())
        .isEqualTo("configmaps \"cgd\" already exists");

    var got = api.get("/api/v1/namespaces/default/configmaps/cgd").json();
    assertThat(got.path("kind").asText()).isEqualTo("ConfigMap");
    assertThat(got.path("metadata").path("resourceVersion"))
        .isEqualTo(meta.path("resourceVersion"));

    assertThat(api.delete("/api/v1/namespaces/default/configmaps/cgd").code()).isEqualTo(200);
    var gone = api.get("/api/v1/namespaces/default/configmaps/cgd");
    assertThat(gone.code()).isEqualTo(404);
    assertThat(gone.json().path("message").asText()).isEqualTo("configmaps \"cgd\" not found");
    assertThat(gone.json().path("details").path("kind").asText()).isEqualTo("configmaps");
  }

  @Test
  void anUpdateWithAStaleResourceVersionIsAConflict() throws Exception {
    ObjectNode cm = api.post("/api/v1/namespaces/default/configmaps", configMap("stale")).json();
    ObjectNode first = cm.deepCopy();
    ((ObjectNode) first.path("data")).put("k", "first");
    assertThat(api.put("/api/v1/namespaces/default/configmaps/stale", first).code()).isEqualTo(200);
    ((ObjectNode) cm.path("data")).put("k", "second");
    var r = api.put("/api/v1/namespaces/default/configmaps/stale", cm);
    assertThat(r.code()).isEqualTo(409);
    assertThat(r.json().path("reason").asText()).isEqualTo("Conflict");
    assertThat(
            api.get("/api/v1/namespaces/default/configmaps/stale")
                .json()
                .path("data")
                .path("k")
                .asText())
        .isEqualTo("first");
  }

  @Test
  void mainAndStatusUpdatesIgnoreEachOthersPartsAndGenerationCountsSpecChanges() throws Exception {
    ObjectNode d =
        (ObjectNode)
            Json.MAPPER.readTree(
                "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"gen\"},"
                    + "\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"gen\"}},\"template\":{\"metadata\":"
                    + "{\"labels\":{\"app\":\"gen\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\"}]}}},"
                    + "\"status\":{\"replicas\":7}}");
    ObjectNode created = api.post("/apis/apps/v1/namespaces/default/deployments", d).json();
    assertThat(created.path("metadata").path("generation").asLong()).isEqualTo(1);
    assertThat(created.has("status")).isFalse();

    ObjectNode status = created.deepCopy();
    status.putObject("status").put("replicas", 3);
    ((ObjectNode) status.path("spec")).put("replicas", 9);
    Json.child(Json.metadata(status), "annotations").put("seen-by", "controller");
    ObjectNode afterStatus =
        api.put("/apis/apps/v1/namespaces/default/deployments/gen/status", status).json();
    assertThat(afterStatus.path("status").path("replicas").asInt()).isEqualTo(3);
    assertThat(afterStatus.path("metadata").path("annotations").path("seen-by").asText())
        .as("metadata changes in a status update are kept, as upstream")
        .isEqualTo("controller");
    assertThat(afterStatus.path("spec").path("replicas").asInt()).isEqualTo(1);
    assertThat(afterStatus.path("metadata").path("generation").asLong()).isEqualTo(1);

    ObjectNode main = afterStatus.deepCopy();
    ((ObjectNode) main.path("spec")).put("replicas", 4);
    ((ObjectNode) main.path("status")).put("replicas", 100);
    ObjectNode afterMain = api.put("/apis/apps/v1/namespaces/default/deployments/gen", main).json();
    assertThat(afterMain.path("spec").path("replicas").asInt()).isEqualTo(4);
    assertThat(afterMain.path("status").path("replicas").asInt()).isEqualTo(3);
    assertThat(afterMain.path("metadata").path("generation").asLong()).isEqualTo(2);
  }

  @Test
  void anUpdateLeavingOutDefaultedFieldsIsNoSpecChange() throws Exception {
    ObjectNode d =
        (ObjectNode)
            Json.MAPPER.readTree(
                "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"bare\"},"
                    + "\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"bare\"}},\"template\":{\"metadata\":"
                    + "{\"labels\":{\"app\":\"bare\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\"}]}}}}");
    ObjectNode created = api.post("/apis/apps/v1/namespaces/default/deployments", d).json();
    assertThat(created.path("spec").path("strategy").path("type").asText())
        .isEqualTo("RollingUpdate");
    // the same spec as first sent, without what the server filled in, and a new label
    ObjectNode again = d.deepCopy();
    Json.metadata(again)
        .put("resourceVersion", created.path("metadata").path("resourceVersion").asText());
    Json.child(Json.metadata(again), "labels").put("team", "blue");
    ObjectNode updated = api.put("/apis/apps/v1/namespaces/default/deployments/bare", again).json();
    assertThat(updated.path("spec")).isEqualTo(created.path("spec"));
    assertThat(updated.path("metadata").path("generation").asLong()).isEqualTo(1);
  }

  @Test
  void anInvalidPodGets422WithOneCausePerField() throws Exception {
    ObjectNode pod =
        (ObjectNode)
            Json.MAPPER.readTree(
                "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"Bad_Name\"},"
                    + "\"spec\":{\"containers\":[{\"name\":\"c\"}]}}");
    var r = api.post("/api/v1/namespaces/default/pods", pod);
    assertThat(r.code()).isEqualTo(422);
    JsonNode s = r.json();
    assertThat(s.path("reason").asText()).isEqualTo("Invalid");
    assertThat(s.path("details").path("kind").asText()).isEqualTo("Pod");
    List<String> fields = new ArrayList<>();
    s.path("details").path("causes").forEach(c -> fields.add(c.path("field").asText()));
    assertThat(fields).containsExactly("metadata.name", "spec.containers[0].image");
    assertThat(s.path("message").asText())
        .startsWith("Pod \"Bad_Name\" is invalid: [metadata.name: Invalid value: \"Bad_Name\"");
  }

  @Test
  void malformedBodiesAre400AndNeverAServerError() throws Exception {
    for (String body :
        List.of(
            "{",
            "[1,2]",
            "\"x\"",
            "{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":3}}")) {
      var r =
          api.send(
              api.request("/api/v1/namespaces/default/configmaps")
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body)));
      assertThat(r.code()).as(body).isEqualTo(400);
      assertThat(r.json().path("kind").asText()).isEqualTo("Status");
    }
  }

  @Test
  void aBodyOver3MiBIs413() throws Exception {
    ObjectNode cm = configMap("huge");
    ((ObjectNode) cm.path("data")).put("k", "x".repeat(3 * 1024 * 1024 + 10));
    var r = api.post("/api/v1/namespaces/default/configmaps", cm);
    assertThat(r.code()).isEqualTo(413);
    assertThat(r.json().path("message").asText())
        .isEqualTo("Request entity too large: limit is 3145728");
  }

  @Test
  void anObjectOver1point5MiBIs413EvenUnder3MiBOfBody() throws Exception {
    ObjectNode ev =
        (ObjectNode)
            Json.MAPPER.readTree(
                "{\"apiVersion\":\"v1\",\"kind\":\"Event\",\"metadata\":{\"name\":\"big\"},"
                    + "\"involvedObject\":{\"kind\":\"Pod\",\"name\":\"p\"}}");
    ev.put("message", "m".repeat(2 * 1024 * 1024));
    var r = api.post("/api/v1/namespaces/default/events", ev);
    assertThat(r.code()).isEqualTo(413);
    assertThat(r.json().path("message").asText())
        .isEqualTo("Request entity too large: limit is 1572864");
    assertThat(api.get("/api/v1/namespaces/default/events/big").code()).isEqualTo(404);
  }

  @Test
  void strictFieldValidationRejectsUnknownFieldsAndWarnWarns() throws Exception {
    ObjectNode cm = configMap("strict");
    cm.put("spec", 1);
    ((ObjectNode) cm.path("metadata")).put("bogus", true);
    var strict = api.post("/api/v1/namespaces/default/configmaps?fieldValidation=Strict", cm);
    assertThat(strict.code()).isEqualTo(400);
    assertThat(strict.json().path("message").asText())
        .isEqualTo(
            "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error:"
                + " unknown field \"metadata.bogus\", unknown field \"spec\"");
    var warn =
        api.http()
            .send(
                api.request("/api/v1/namespaces/default/configmaps")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(cm)))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(warn.statusCode()).isEqualTo(201);
    assertThat(warn.headers().allValues("Warning"))
        .contains("299 - \"unknown field \\\"spec\\\"\"");
  }

  @Test
  void nothingIsCreatedInAMissingOrTerminatingNamespace() throws Exception {
    var missing = api.post("/api/v1/namespaces/nowhere/configmaps", configMap("x"));
    assertThat(missing.code()).isEqualTo(404);
    assertThat(missing.json().path("message").asText())
        .isEqualTo("namespaces \"nowhere\" not found");

    ObjectNode ns = Json.object().put("apiVersion", "v1").put("kind", "Namespace");
    Json.metadata(ns).put("name", "doomed");
    assertThat(api.post("/api/v1/namespaces", ns).code()).isEqualTo(201);
    var deleted = api.delete("/api/v1/namespaces/doomed");
    assertThat(deleted.code()).isEqualTo(200);
    assertThat(deleted.json().path("status").path("phase").asText()).isEqualTo("Terminating");
    var refused = api.post("/api/v1/namespaces/doomed/configmaps", configMap("x"));
    assertThat(refused.code()).isEqualTo(403);
    assertThat(refused.json().path("message").asText())
        .isEqualTo(
            "configmaps \"x\" is forbidden: unable to create new content in namespace doomed because it is being terminated");
  }

  @Test
  void servicesGetClusterIpsAndNodePortsOnceAndGiveThemBackOnDelete() throws Exception {
    ObjectNode svc =
        (ObjectNode)
            Json.MAPPER.readTree(
                "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"np1\"},"
                    + "\"spec\":{\"type\":\"NodePort\",\"ports\":[{\"port\":80,\"nodePort\":30100}]}}");
    ObjectNode created = api.post("/api/v1/namespaces/default/services", svc).json();
    assertThat(created.path("spec").path("clusterIP").asText()).startsWith("10.43.");
    assertThat(created.path("spec").path("ports").path(0).path("targetPort").asInt()).isEqualTo(80);

    ObjectNode second = svc.deepCopy();
    ((ObjectNode) second.path("metadata")).put("name", "np2");
    var clash = api.post("/api/v1/namespaces/default/services", second);
    assertThat(clash.code()).isEqualTo(422);
    assertThat(clash.json().path("message").asText())
        .contains(
            "spec.ports[0].nodePort: Invalid value: 30100: provided port is already allocated");

    ObjectNode sameIp =
        (ObjectNode)
            Json.MAPPER.readTree(
                "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"ip2\"},\"spec\":{\"clusterIP\":\""
                    + created.path("spec").path("clusterIP").asText()
                    + "\",\"ports\":[{\"port\":80}]}}");
    assertThat(api.post("/api/v1/namespaces/default/services", sameIp).code()).isEqualTo(422);

    assertThat(api.delete("/api/v1/namespaces/default/services/np1").code()).isEqualTo(200);
    assertThat(api.post("/api/v1/namespaces/default/services", second).code()).isEqualTo(201);
    assertThat(api.post("/api/v1/namespaces/default/services", sameIp).code()).isEqualTo(201);
  }

  @Test
  void theKubernetesServicePointsAtTheApiServer() throws Exception {
    JsonNode svc = api.get("/api/v1/namespaces/default/services/kubernetes").json();
    assertThat(svc.path("spec").path("clusterIP").asText()).isEqualTo("10.43.0.1");
    JsonNode ep = api.get("/api/v1/namespaces/default/endpoints/kubernetes").json();
    assertThat(ep.path("subsets").path(0).path("ports").path(0).path("port").asInt())
        .isEqualTo(server.server().port());
  }

  @Test
  void aBoundPodIsDeletedGracefullyAndAnUnboundOneAtOnce() throws Exception {
    for (String name : List.of("bound", "unbound")) {
      ObjectNode pod =
          (ObjectNode)
              Json.MAPPER.readTree(
                  "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\""
                      + name
                      + "\"},"
                      + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\"}]}}");
      assertThat(api.post("/api/v1/namespaces/default/pods", pod).code()).isEqualTo(201);
    }
    ObjectNode binding =
        (ObjectNode)
            Json.MAPPER.readTree(
                "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"bound\"},\"target\":{\"kind\":\"Node\",\"name\":\"n1\"}}");
    assertThat(api.post("/api/v1/namespaces/default/pods/bound/binding", binding).code())
        .isEqualTo(201);
    assertThat(api.post("/api/v1/namespaces/default/pods/bound/binding", binding).code())
        .isEqualTo(409);

    JsonNode marked = api.delete("/api/v1/namespaces/default/pods/bound").json();
    assertThat(marked.path("metadata").path("deletionGracePeriodSeconds").asLong()).isEqualTo(30);
    assertThat(api.get("/api/v1/namespaces/default/pods/bound").code()).isEqualTo(200);
    assertThat(
            api.send(
                    api.request("/api/v1/namespaces/default/pods/bound?gracePeriodSeconds=0")
                        .DELETE())
                .code())
        .isEqualTo(200);
    assertThat(api.get("/api/v1/namespaces/default/pods/bound").code()).isEqualTo(404);

    api.delete("/api/v1/namespaces/default/pods/unbound");
    assertThat(api.get("/api/v1/namespaces/default/pods/unbound").code()).isEqualTo(404);
  }

  @Test
  void finalizersOnlyMarkAndTheLastOneRemovedDeletes() throws Exception {
    ObjectNode cm = configMap("fin");
    ((ObjectNode) cm.path("metadata")).putArray("finalizers").add("example.com/hold");
    api.post("/api/v1/namespaces/default/configmaps", cm);
    JsonNode marked = api.delete("/api/v1/namespaces/default/configmaps/fin").json();
    assertThat(marked.path("metadata").has("deletionTimestamp")).isTrue();
    ObjectNode current = api.get("/api/v1/namespaces/default/configmaps/fin").json();
    ((ObjectNode) current.path("metadata")).remove("finalizers");
    assertThat(api.put("/api/v1/namespaces/default/configmaps/fin", current).code()).isEqualTo(200);
    assertThat(api.get("/api/v1/namespaces/default/configmaps/fin").code()).isEqualTo(404);
  }

  @Test
  void pagesOfAListComeFromOneSnapshot() throws Exception {
    ObjectNode ns = Json.object().put("apiVersion", "v1").put("kind", "Namespace");
    Json.metadata(ns).put("name", "paged");
    api.post("/api/v1/namespaces", ns);
    for (int i = 0; i < 5; i++) {
      api.post("/api/v1/namespaces/paged/configmaps", configMap("cm" + i));
    }
    List<String> names = new ArrayList<>();
    JsonNode page = api.get("/api/v1/namespaces/paged/configmaps?limit=2").json();
    assertThat(page.path("metadata").path("remainingItemCount").asLong()).isEqualTo(3);
    String rv = page.path("metadata").path("resourceVersion").asText();
    page.path("items").forEach(i -> names.add(i.path("metadata").path("name").asText()));
    api.post("/api/v1/namespaces/paged/configmaps", configMap("cm-late"));
    api.delete("/api/v1/namespaces/paged/configmaps/cm4");
    while (!page.path("metadata").path("continue").asText("").isEmpty()) {
      page =
          api.get(
                  "/api/v1/namespaces/paged/configmaps?limit=2&continue="
                      + page.path("metadata").path("continue").asText())
              .json();
      assertThat(page.path("metadata").path("resourceVersion").asText()).isEqualTo(rv);
      page.path("items").forEach(i -> names.add(i.path("metadata").path("name").asText()));
    }
    assertThat(names).containsExactly("cm0", "cm1", "cm2", "cm3", "cm4");
  }

  @Test
  void aTableHasTheColumnsKubectlPrints() throws Exception {
    var r =
        api.send(
            api.request("/api/v1/namespaces/default/services")
                .header("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"));
    JsonNode t = r.json();
    assertThat(t.path("kind").asText()).isEqualTo("Table");
    List<String> cols = new ArrayList<>();
    t.path("columnDefinitions").forEach(c -> cols.add(c.path("name").asText()));
    assertThat(cols).startsWith("Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age");
    JsonNode row = t.path("rows").path(0);
    assertThat(row.path("object").path("kind").asText()).isEqualTo("PartialObjectMetadata");
    assertThat(row.path("object").path("metadata").path("namespace").asText()).isEqualTo("default");
  }

  @Test
  void aFieldSelectorOnAFieldAKindDoesNotHaveIs400() throws Exception {
    var r = api.get("/api/v1/pods?fieldSelector=spec.bogus%3Dx");
    assertThat(r.code()).isEqualTo(400);
    assertThat(r.json().path("message").asText())
        .isEqualTo("field label not supported: spec.bogus");
    assertThat(
            api.get("/api/v1/pods?fieldSelector=spec.nodeName%3Dn1,status.phase!%3DFailed").code())
        .isEqualTo(200);
  }

  @Test
  void evictionRespectsTheDisruptionBudget() throws Exception {
    ObjectNode pod =
        (ObjectNode)
            Json.MAPPER.readTree(
                "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"guarded\",\"labels\":{\"app\":\"g\"}},"
                    + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\"}]}}");
    ObjectNode created = api.post("/api/v1/namespaces/default/pods", pod).json();
    created.putObject("status").put("phase", "Running");
    assertThat(api.put("/api/v1/namespaces/default/pods/guarded/status", created).code())
        .isEqualTo(200);
    ObjectNode pdb =
        (ObjectNode)
            Json.MAPPER.readTree(
                "{\"apiVersion\":\"policy/v1\",\"kind\":\"PodDisruptionBudget\",\"metadata\":{\"name\":\"g\"},"
                    + "\"spec\":{\"minAvailable\":1,\"selector\":{\"matchLabels\":{\"app\":\"g\"}}}}");
    ObjectNode budget =
        api.post("/apis/policy/v1/namespaces/default/poddisruptionbudgets", pdb).json();
    ObjectNode eviction =
        (ObjectNode)
            Json.MAPPER.readTree(
                "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"guarded\"}}");

    var refused = api.post("/api/v1/namespaces/default/pods/guarded/eviction", eviction);
    assertThat(refused.code()).isEqualTo(429);
    assertThat(refused.json().path("message").asText())
        .isEqualTo("Cannot evict pod as it would violate the pod's disruption budget.");
    assertThat(api.get("/api/v1/namespaces/default/pods/guarded").code()).isEqualTo(200);

    budget.putObject("status").put("disruptionsAllowed", 1).put("observedGeneration", 1);
    assertThat(
            api.put("/apis/policy/v1/namespaces/default/poddisruptionbudgets/g/status", budget)
                .code())
        .isEqualTo(200);
    assertThat(api.post("/api/v1/namespaces/default/pods/guarded/eviction", eviction).code())
        .isEqualTo(201);
    assertThat(api.get("/api/v1/namespaces/default/pods/guarded").code()).isEqualTo(404);
    JsonNode spent = api.get("/apis/policy/v1/namespaces/default/poddisruptionbudgets/g").json();
    assertThat(spent.path("status").path("disruptionsAllowed").asInt()).isZero();
    assertThat(spent.path("status").path("disruptedPods").has("guarded")).isTrue();
  }

  @Test
  void quantitiesAreCheckedAsUpstreamDecodesAndValidatesThem() throws Exception {
    String template =
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"q\"},\"spec\":{\"containers\":"
            + "[{\"name\":\"c\",\"image\":\"x\",\"resources\":RES}]}}";
    var malformed =
        api.post(
            "/api/v1/namespaces/default/pods",
            Json.MAPPER.readTree(template.replace("RES", "{\"requests\":{\"cpu\":\"lots\"}}")));
    assertThat(malformed.code()).isEqualTo(400);
    assertThat(malformed.json().path("message").asText())
        .endsWith(
            "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
    var overLimit =
        api.post(
            "/api/v1/namespaces/default/pods",
            Json.MAPPER.readTree(
                template.replace(
                    "RES",
                    "{\"requests\":{\"memory\":\"2Gi\"},\"limits\":{\"memory\":\"1024Mi\"}}")));
    assertThat(overLimit.code()).isEqualTo(422);
    assertThat(overLimit.json().path("message").asText())
        .isEqualTo(
            "Pod \"q\" is invalid: spec.containers[0].resources.requests[memory]: Invalid value: \"2Gi\": must be less than or equal to memory limit of 1024Mi");
  }

  @Test
  void eventsExpireThroughAStoreLeaseAndOtherObjectsDoNot() throws Exception {
    ObjectNode ev =
        (ObjectNode)
            Json.MAPPER.readTree(
                "{\"apiVersion\":\"v1\",\"kind\":\"Event\",\"metadata\":{\"name\":\"ev1\"},"
                    + "\"involvedObject\":{\"kind\":\"Pod\",\"name\":\"p\"},\"reason\":\"R\",\"message\":\"m\"}");
    assertThat(api.post("/api/v1/namespaces/default/events", ev).code()).isEqualTo(201);
    assertThat(server.store().get("/registry/events/default/ev1").lease().isNone()).isFalse();
    api.post("/api/v1/namespaces/default/configmaps", configMap("lasting"));
    assertThat(server.store().get("/registry/configmaps/default/lasting").lease().isNone())
        .isTrue();
    JsonNode v1 = api.get("/apis/events.k8s.io/v1/namespaces/default/events/ev1").json();
    assertThat(v1.path("regarding").path("name").asText()).isEqualTo("p");
    assertThat(v1.path("note").asText()).isEqualTo("m");
  }

  @Test
  void theKubernetesServiceHasAnEndpointSlice() throws Exception {
    JsonNode slice =
        api.get("/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/kubernetes").json();
    assertThat(slice.path("metadata").path("labels").path("kubernetes.io/service-name").asText())
        .isEqualTo("kubernetes");
    assertThat(slice.path("ports").path(0).path("port").asInt()).isEqualTo(server.server().port());
  }
}
