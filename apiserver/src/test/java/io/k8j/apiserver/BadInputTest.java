package io.k8j.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad requests of every shape get a 4xx Status, never a server error; and transport details. */
class BadInputTest {
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

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "GET|/api/v1/namespaces/default/pods?labelSelector=a%20b%20c||400",
        "GET|/api/v1/namespaces/default/pods?limit=x||400",
        "GET|/api/v1/namespaces/default/pods?limit=1&continue=garbage||400",
        "GET|/api/v1/namespaces/default/pods?resourceVersion=abc||400",
        "GET|/api/v1/namespaces/default/pods?resourceVersionMatch=Exact||400",
        "GET|/api/v1/namespaces/default/pods?watch=true&resourceVersion=-1||400",
        "GET|/api/v1/namespaces/default/pods/x/bogus||404",
        "GET|/api/v1/bogus||404",
        "GET|/apis/nogroup/v1/things||404",
        "GET|/api/v1/namespaces/default/nodes||404",
        "POST|/api/v1/pods|{}|404",
        "POST|/api/v1/namespaces/default/pods|{\"kind\":\"Service\",\"apiVersion\":\"v1\"}|400",
        "POST|/api/v1/namespaces/default/configmaps|{\"kind\":\"ConfigMap\",\"metadata\":{\"namespace\":\"other\",\"name\":\"x\"}}|400",
        "POST|/api/v1/namespaces/default/configmaps|{\"kind\":\"ConfigMap\",\"metadata\":[]}|400",
        "POST|/api/v1/namespaces/default/configmaps|{\"kind\":\"ConfigMap\",\"data\":{\"a\":{}}}|400",
        "POST|/api/v1/namespaces/default/configmaps?fieldValidation=Strict|{\"kind\":\"ConfigMap\",\"kind\":\"ConfigMap\"}|400",
        "PUT|/api/v1/namespaces/default/configmaps/a|{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"b\"}}|400",
        "PUT|/api/v1/namespaces/default/configmaps/missing|{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"missing\"}}|404",
        "PATCH|/api/v1/namespaces/default/services/kubernetes|{not json|400",
        "PATCH|/api/v1/namespaces/default/services/kubernetes|[{\"op\":\"remove\",\"path\":\"/nope\"}]|422",
        "DELETE|/api/v1/namespaces/default/configmaps/missing||404",
        "DELETE|/api/v1/namespaces/default/services/kubernetes|{\"preconditions\":{\"uid\":\"other\"}}|409",
        "PUT|/api/v1/namespaces/default/pods/x/binding|{}|405",
      })
  void badRequestsGetA4xxStatus(String method, String path, String body, int code)
      throws Exception {
    String type =
        body != null && body.startsWith("[")
            ? "application/json-patch+json"
            : method.equals("PATCH") ? "application/merge-patch+json" : "application/json";
    HttpRequest.BodyPublisher publisher =
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body);
    var r = api.send(api.request(path).header("Content-Type", type).method(method, publisher));
    assertThat(r.code()).as(r.body()).isEqualTo(code);
    assertThat(r.json().path("kind").asText()).isEqualTo("Status");
    assertThat(r.json().path("code").asInt()).isEqualTo(code);
  }

  @Test
  void http2IsNegotiatedOverTls() throws Exception {
    HttpResponse<String> r =
        api.http()
            .send(
                api.request("/api").version(java.net.http.HttpClient.Version.HTTP_2).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_2);
  }

  @Test
  void largeResponsesAreGzippedWhenAsked() throws Exception {
    api.post(
        "/api/v1/namespaces",
        Json.MAPPER.readTree(
            "{\"kind\":\"Namespace\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"big\"}}"));
    for (int i = 0; i < 20; i++) {
      var cm = ApiServerTest.configMap("big" + i);
      ((com.fasterxml.jackson.databind.node.ObjectNode) cm.path("data")).put("k", "x".repeat(2000));
      api.post("/api/v1/namespaces/big/configmaps", cm);
    }
    HttpResponse<byte[]> r =
        api.http()
            .send(
                api.request("/api/v1/namespaces/big/configmaps")
                    .header("Accept-Encoding", "gzip")
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.headers().firstValue("Content-Encoding")).hasValue("gzip");
    byte[] plain =
        new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(r.body()))
            .readAllBytes();
    assertThat(new String(plain, java.nio.charset.StandardCharsets.UTF_8))
        .contains("\"kind\":\"ConfigMapList\"");
  }

  @Test
  void yamlInAndOut() throws Exception {
    var created =
        api.send(
            api.request("/api/v1/namespaces/default/configmaps")
                .header("Content-Type", "application/yaml")
                .header("Accept", "application/yaml")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: yml\ndata:\n  k: v\n")));
    assertThat(created.code()).isEqualTo(201);
    assertThat(created.contentType()).startsWith("application/yaml");
    assertThat(created.body()).contains("kind: ConfigMap", "name: yml");
  }

  @Test
  void dryRunWritesNothingAndDeleteCollectionHonoursSelectors() throws Exception {
    String cm =
        "{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"NAME\",\"labels\":{\"set\":\"LABEL\"}}}";
    var dry =
        api.post(
            "/api/v1/namespaces/default/configmaps?dryRun=All",
            Json.MAPPER.readTree(cm.replace("NAME", "dry").replace("LABEL", "x")));
    assertThat(dry.code()).isEqualTo(201);
    assertThat(api.get("/api/v1/namespaces/default/configmaps/dry").code()).isEqualTo(404);
    for (String n : java.util.List.of("a1", "a2", "b1")) {
      api.post(
          "/api/v1/namespaces/default/configmaps",
          Json.MAPPER.readTree(cm.replace("NAME", n).replace("LABEL", n.substring(0, 1))));
    }
    var deleted =
        api.send(
            api.request("/api/v1/namespaces/default/configmaps?labelSelector=set%3Da").DELETE());
    assertThat(deleted.code()).isEqualTo(200);
    assertThat(deleted.json().path("items").size()).isEqualTo(2);
    assertThat(api.get("/api/v1/namespaces/default/configmaps/b1").code()).isEqualTo(200);
    assertThat(api.get("/api/v1/namespaces/default/configmaps/a1").code()).isEqualTo(404);
  }

  @Test
  void generateNameGivesAFreshName() throws Exception {
    var r =
        api.post(
            "/api/v1/namespaces/default/configmaps",
            Json.MAPPER.readTree(
                "{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"metadata\":{\"generateName\":\"gen-\"}}"));
    assertThat(r.code()).isEqualTo(201);
    assertThat(r.json().path("metadata").path("name").asText()).matches("gen-[a-z0-9]{5}");
  }
}
