package io.k8j.apiserver.crd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.ApiClient;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.TestApiServer;
import java.net.http.HttpRequest;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** CRDs and their custom resources over the API, against a server on an embedded store. */
class CustomResourceDefinitionTest {
  static TestApiServer server;
  static ApiClient api;

  static final String CRD =
      """
      {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
       "metadata": {"name": "widgets.%1$s"},
       "spec": {"group": "%1$s", "scope": "Namespaced",
         "names": {"plural": "widgets", "kind": "Widget", "shortNames": ["wd"]},
         "versions": [
           {"name": "v1beta1", "served": true, "storage": false,
            "schema": {"openAPIV3Schema": {"type": "object", "properties": {
              "spec": {"type": "object", "properties": {"size": {"type": "integer"}}}}}}},
           {"name": "v1", "served": true, "storage": true,
            "subresources": {"status": {}, "scale": {"specReplicasPath": ".spec.size",
              "statusReplicasPath": ".status.size"}},
            "additionalPrinterColumns": [{"name": "Size", "type": "integer", "jsonPath": ".spec.size"}],
            "schema": {"openAPIV3Schema": {"type": "object", "properties": {
              "spec": {"type": "object", "required": ["color"], "properties": {
                "color": {"type": "string", "enum": ["red", "blue"]},
                "size": {"type": "integer", "minimum": 1, "default": 3}}},
              "status": {"type": "object", "properties": {"size": {"type": "integer"}}}}}}}]}}
      """;

  @BeforeAll
  static void start() throws Exception {
    server = TestApiServer.start();
    api = new ApiClient(server.kubeconfig());
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  static ObjectNode json(String s) {
    return Json.parseObject(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  static ObjectNode createCrd(String group) throws Exception {
    ApiClient.Response r =
        api.post(
            "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", json(CRD.formatted(group)));
    assertThat(r.code()).as(r.body()).isEqualTo(201);
    String path = "/apis/" + group + "/v1/namespaces/default/widgets";
    await().atMost(Duration.ofSeconds(60)).until(() -> api.get(path).code() == 200);
    return r.json();
  }

  static ApiClient.Response patch(String path, String type, String body) throws Exception {
    return api.send(
        api.request(path)
            .header("Content-Type", type)
            .method("PATCH", HttpRequest.BodyPublishers.ofString(body)));
  }

  static ObjectNode widget(String group, String version, String name, String spec) {
    return json(
        "{\"apiVersion\": \"%s/%s\", \"kind\": \"Widget\", \"metadata\": {\"name\": \"%s\"}, \"spec\": %s}"
            .formatted(group, version, name, spec));
  }

  @Test
  void aCrdIsEstablishedAndItsResourcesAreDiscoveredInVersionPriorityOrder() throws Exception {
    String group = "disc.example.com";
    ObjectNode crd = createCrd(group);
    assertThat(crd.path("metadata").path("finalizers"))
        .extracting(JsonNode::asText)
        .contains("customresourcecleanup.apiextensions.k8s.io");
    JsonNode stored =
        api.get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets." + group).json();
    assertThat(stored.path("status").path("conditions").findValuesAsText("type"))
        .contains("NamesAccepted", "Established");
    JsonNode g = api.get("/apis/" + group).json();
    assertThat(g.path("preferredVersion").path("version").asText()).isEqualTo("v1");
    JsonNode list = api.get("/apis/" + group + "/v1").json();
    assertThat(list.path("resources").findValuesAsText("name"))
        .containsExactly("widgets", "widgets/status", "widgets/scale");
    assertThat(api.get("/openapi/v3").json().path("paths").has("apis/" + group + "/v1")).isTrue();
  }

  @Test
  void customResourcesArePrunedDefaultedValidatedAndServedInEveryVersion() throws Exception {
    String group = "crud.example.com";
    createCrd(group);
    String base = "/apis/" + group + "/v1/namespaces/default/widgets";
    ApiClient.Response created =
        api.post(base, widget(group, "v1", "w1", "{\"color\": \"red\", \"junk\": 1}"));
    assertThat(created.code()).as(created.body()).isEqualTo(201);
    assertThat(created.json().path("spec")).isEqualTo(json("{\"color\": \"red\", \"size\": 3}"));

    ApiClient.Response invalid =
        api.post(base, widget(group, "v1", "w2", "{\"color\": \"green\", \"size\": 0}"));
    assertThat(invalid.code()).isEqualTo(422);
    JsonNode status = invalid.json();
    assertThat(status.path("message").asText())
        .isEqualTo(
            "Widget.crud.example.com \"w2\" is invalid: [spec.color: Unsupported value: \"green\":"
                + " supported values: \"red\", \"blue\", spec.size: Invalid value: 0: spec.size in"
                + " body should be greater than or equal to 1]");
    assertThat(status.path("details").path("causes").findValuesAsText("field"))
        .containsExactly("spec.color", "spec.size");

    JsonNode beta = api.get("/apis/" + group + "/v1beta1/namespaces/default/widgets/w1").json();
    assertThat(beta.path("apiVersion").asText()).isEqualTo(group + "/v1beta1");
    assertThat(beta.path("spec").path("size").asInt()).isEqualTo(3);

    ApiClient.Response smp =
        patch(base + "/w1", "application/strategic-merge-patch+json", "{\"spec\":{\"size\":4}}");
    assertThat(smp.code()).isEqualTo(415);
    ApiClient.Response merge =
        patch(
            base + "/w1",
            "application/merge-patch+json",
            "{\"spec\":{\"size\":4},\"status\":{\"size\":9}}");
    assertThat(merge.code()).as(merge.body()).isEqualTo(200);
    assertThat(merge.json().path("spec").path("size").asInt()).isEqualTo(4);
    assertThat(merge.json().has("status")).as("status is the subresource's").isFalse();

    ApiClient.Response scale = api.get(base + "/w1/scale");
    assertThat(scale.json().path("spec").path("replicas").asInt()).isEqualTo(4);
    ObjectNode newScale = scale.json();
    newScale.with("spec").put("replicas", 7);
    assertThat(api.put(base + "/w1/scale", newScale).code()).isEqualTo(200);
    assertThat(api.get(base + "/w1").json().path("spec").path("size").asInt()).isEqualTo(7);

    ApiClient.Response table =
        api.send(
            api.request(base)
                .header("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io")
                .GET());
    assertThat(table.json().path("columnDefinitions").findValuesAsText("name"))
        .containsExactly("Name", "Size");
    assertThat(table.json().path("rows").get(0).path("cells").get(1).asInt()).isEqualTo(7);
  }

  @Test
  void deletingACrdDeletesItsCustomResourcesAndItsEndpoints() throws Exception {
    String group = "gone.example.com";
    createCrd(group);
    String base = "/apis/" + group + "/v1/namespaces/default/widgets";
    assertThat(api.post(base, widget(group, "v1", "w1", "{\"color\": \"blue\"}")).code())
        .isEqualTo(201);
    assertThat(
            api.delete("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets." + group)
                .code())
        .isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                api.get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets." + group)
                        .code()
                    == 404);
    assertThat(api.get(base).code()).isEqualTo(404);
    assertThat(api.get("/apis/" + group).code()).isEqualTo(404);
    assertThat(
            server
                .store()
                .range(io.k8j.store.RangeRequest.prefix("/registry/" + group + "/"))
                .kvs())
        .isEmpty();
  }

  @Test
  void aCrdWaitsTerminatingForItsResourcesFinalizersAndRefusesNewOnes() throws Exception {
    String group = "held.example.com";
    createCrd(group);
    String crdPath = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets." + group;
    String base = "/apis/" + group + "/v1/namespaces/default/widgets";
    ObjectNode held = widget(group, "v1", "held", "{\"color\": \"red\"}");
    Json.metadata(held).putArray("finalizers").add("example.com/hold");
    assertThat(api.post(base, held).code()).isEqualTo(201);
    assertThat(api.post(base, widget(group, "v1", "free", "{\"color\": \"red\"}")).code())
        .isEqualTo(201);

    assertThat(api.delete(crdPath).code()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> terminating(api.get(crdPath).json()) != null);
    ObjectNode crd = api.get(crdPath).json();
    assertThat(terminating(crd).path("status").asText()).isEqualTo("True");
    assertThat(terminating(crd).path("reason").asText()).isEqualTo("InstanceDeletionInProgress");
    assertThat(terminating(crd).path("message").asText())
        .isEqualTo("CustomResource deletion is in progress");
    assertThat(crd.path("metadata").path("finalizers").toString())
        .contains("customresourcecleanup.apiextensions.k8s.io");
    await().atMost(Duration.ofSeconds(60)).until(() -> api.get(base + "/free").code() == 404);
    ObjectNode stillThere = api.get(base + "/held").json();
    assertThat(stillThere.path("metadata").has("deletionTimestamp")).isTrue();

    ApiClient.Response refused =
        api.post(base, widget(group, "v1", "late", "{\"color\": \"red\"}"));
    assertThat(refused.code()).isEqualTo(405);
    assertThat(refused.json().path("reason").asText()).isEqualTo("MethodNotAllowed");
    assertThat(refused.json().path("message").asText())
        .isEqualTo("create not allowed while custom resource definition is terminating");
    assertThat(api.get(crdPath).code()).isEqualTo(200);

    ApiClient.Response released =
        patch(
            base + "/held", "application/merge-patch+json", "{\"metadata\":{\"finalizers\":null}}");
    assertThat(released.code()).as(released.body()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(60)).until(() -> api.get(crdPath).code() == 404);
    assertThat(
            server
                .store()
                .range(io.k8j.store.RangeRequest.prefix("/registry/" + group + "/"))
                .kvs())
        .isEmpty();
  }

  private static JsonNode terminating(ObjectNode crd) {
    for (JsonNode c : crd.path("status").path("conditions")) {
      if (c.path("type").asText().equals("Terminating")) {
        return c;
      }
    }
    return null;
  }

  @Test
  void anInvalidCrdIsRejectedWithTheFieldsNamed() throws Exception {
    ObjectNode crd = json(CRD.formatted("bad.example.com"));
    crd.with("metadata").put("name", "wrong.bad.example.com");
    crd.with("spec").put("scope", "Galaxy");
    ApiClient.Response r = api.post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd);
    assertThat(r.code()).isEqualTo(422);
    assertThat(r.json().path("details").path("causes").findValuesAsText("field"))
        .containsExactly("metadata.name", "spec.scope");
  }
}
