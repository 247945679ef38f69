package io.k8j.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Server-side apply and managedFields over HTTP: what a client sees, errors included. */
class ServerSideApplyTest {
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

  private static final String CM = "/api/v1/namespaces/default/configmaps/";

  private static ApiClient.Response apply(String name, String query, String yaml) throws Exception {
    return api.send(
        api.request(CM + name + query)
            .header("Content-Type", "application/apply-patch+yaml")
            .method("PATCH", HttpRequest.BodyPublishers.ofString(yaml)));
  }

  private static String configMap(String name, String data) {
    return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\ndata:\n" + data;
  }

  @Test
  void anApplyCreatesWhatIsAbsentAndRecordsItsManager() throws Exception {
    var created = apply("ssa1", "?fieldManager=tool", configMap("ssa1", "  a: '1'\n"));
    assertThat(created.code()).as(created.body()).isEqualTo(201);
    var entry = created.json().path("metadata").path("managedFields").get(0);
    assertThat(entry.path("manager").asText()).isEqualTo("tool");
    assertThat(entry.path("operation").asText()).isEqualTo("Apply");
    assertThat(entry.path("fieldsV1").toString()).isEqualTo("{\"f:data\":{\"f:a\":{}}}");

    var again = apply("ssa1", "?fieldManager=tool", configMap("ssa1", "  b: '2'\n"));
    assertThat(again.code()).isEqualTo(200);
    assertThat(again.json().path("data").toString()).isEqualTo("{\"b\":\"2\"}");
  }

  @Test
  void anApplyNeedsAFieldManagerAndOnlyAnApplyMayForce() throws Exception {
    var missing = apply("ssa2", "", configMap("ssa2", "  a: '1'\n"));
    assertThat(missing.code()).isEqualTo(422);
    assertThat(missing.json().path("message").asText())
        .isEqualTo(
            "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required"
                + " for apply patch");
    assertThat(missing.json().at("/details/causes/0/field").asText()).isEqualTo("fieldManager");

    api.post(
        "/api/v1/namespaces/default/configmaps",
        Json.MAPPER.readTree(
            "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"ssa3\"}}"));
    var forced =
        api.send(
            api.request(CM + "ssa3?force=true")
                .header("Content-Type", "application/merge-patch+json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"data\":{\"a\":\"1\"}}")));
    assertThat(forced.code()).isEqualTo(422);
    assertThat(forced.json().path("message").asText())
        .contains("force: Forbidden: may not be specified for non-apply patch");
  }

  @Test
  void aConflictIsA409WithOneCausePerField() throws Exception {
    apply("ssa4", "?fieldManager=a", configMap("ssa4", "  k: one\n"));
    var conflict = apply("ssa4", "?fieldManager=b", configMap("ssa4", "  k: two\n"));
    assertThat(conflict.code()).isEqualTo(409);
    assertThat(conflict.json().path("reason").asText()).isEqualTo("Conflict");
    assertThat(conflict.json().path("message").asText())
        .isEqualTo("Apply failed with 1 conflict: conflict with \"a\": .data.k");
    assertThat(conflict.json().at("/details/causes/0/reason").asText())
        .isEqualTo("FieldManagerConflict");
    var forced = apply("ssa4", "?fieldManager=b&force=true", configMap("ssa4", "  k: two\n"));
    assertThat(forced.code()).isEqualTo(200);
    assertThat(forced.json().at("/data/k").asText()).isEqualTo("two");
  }

  @Test
  void updatesAreRecordedUnderTheUserAgentsProductWithoutAFieldManager() throws Exception {
    var created =
        api.send(
            api.request("/api/v1/namespaces/default/configmaps")
                .header("Content-Type", "application/json")
                .header("User-Agent", "my-tool/1.0 (linux)")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
                            + "\"metadata\":{\"name\":\"ua\"},\"data\":{\"x\":\"1\"}}")));
    assertThat(created.code()).isEqualTo(201);
    var entry = created.json().path("metadata").path("managedFields").get(0);
    assertThat(entry.path("manager").asText()).isEqualTo("my-tool");
    assertThat(entry.path("operation").asText()).isEqualTo("Update");
    assertThat(entry.path("apiVersion").asText()).isEqualTo("v1");
    assertThat(entry.path("fieldsType").asText()).isEqualTo("FieldsV1");
    assertThat(entry.path("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
  }

  @Test
  void strictValidationRejectsDuplicateFieldsAndWarnWarns() throws Exception {
    String dup =
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"dup\"},"
            + "\"data\":{\"a\":\"1\"},\"data\":{\"a\":\"2\"},\"spec\":{}}";
    var strict =
        api.send(
            api.request("/api/v1/namespaces/default/configmaps?fieldValidation=Strict")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(dup)));
    assertThat(strict.code()).isEqualTo(400);
    assertThat(strict.json().path("message").asText())
        .isEqualTo(
            "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error:"
                + " unknown field \"spec\", duplicate field \"data\"");
    var warn =
        api.http()
            .send(
                api.request("/api/v1/namespaces/default/configmaps")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(dup))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(warn.statusCode()).isEqualTo(201);
    assertThat(warn.headers().allValues("Warning"))
        .contains("299 - \"duplicate field \\\"data\\\"\"");
    assertThat(Json.MAPPER.readTree(warn.body()).at("/data/a").asText()).isEqualTo("2");
  }
}
