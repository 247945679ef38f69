package io.k8j.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * fieldValidation on every kind of write, for a built-in kind and a custom resource: Strict rejects
 * naming the unknown field, Warn warns and Ignore says nothing, and both store the object without
 * the unknown field, as upstream's decoder (built-in) and pruning (custom resources) drop it.
 */
class FieldValidationTest {
  static TestApiServer server;
  static ApiClient api;

  static final String CRD =
      """
      {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
       "metadata": {"name": "gadgets.fv.example.com"},
       "spec": {"group": "fv.example.com", "scope": "Namespaced",
         "names": {"plural": "gadgets", "kind": "Gadget"},
         "versions": [{"name": "v1", "served": true, "storage": true,
           "schema": {"openAPIV3Schema": {"type": "object", "properties": {
             "spec": {"type": "object", "properties": {"size": {"type": "integer"}}}}}}}]}}
      """;

  /** Where each kind lives, an object of it, and a known field that must survive. */
  enum Kind {
    CONFIGMAP(
        "/api/v1/namespaces/default/configmaps",
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"%s\"},"
            + "\"data\":{\"size\":\"1\"}%s}",
        "data",
        "size"),
    DEPLOYMENT(
        "/apis/apps/v1/namespaces/default/deployments",
        "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"%s\"},"
            + "\"spec\":{\"replicas\":1,\"selector\":{\"matchLabels\":{\"app\":\"x\"}},"
            + "\"template\":{\"metadata\":{\"labels\":{\"app\":\"x\"}},\"spec\":{\"containers\":"
            + "[{\"name\":\"c\",\"image\":\"i\"}]}}%s}}",
        "spec",
        "replicas"),
    GADGET(
        "/apis/fv.example.com/v1/namespaces/default/gadgets",
        "{\"apiVersion\":\"fv.example.com/v1\",\"kind\":\"Gadget\",\"metadata\":{\"name\":\"%s\"},"
            + "\"spec\":{\"size\":1%s}}",
        "spec",
        "size");

    final String path;
    final String template;
    final String parent;
    final String known;

    Kind(String path, String template, String parent, String known) {
      this.path = path;
      this.template = template;
      this.parent = parent;
      this.known = known;
    }

    /** The object, with {@code spec.foo} (a ConfigMap: a top-level {@code foo}) when unknown. */
    String object(String name, boolean unknown) {
      String extra = unknown ? ",\"foo\":\"bar\"" : "";
      return template.formatted(name, extra);
    }

    /** The unknown field's path as upstream names it. */
    String unknownField() {
      return this == CONFIGMAP ? "foo" : "spec.foo";
    }
  }

  @BeforeAll
  static void start() throws Exception {
    server = TestApiServer.start();
    api = new ApiClient(server.kubeconfig());
    ApiClient.Response crd =
        api.post(
            "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
            Json.parseObject(CRD.getBytes(StandardCharsets.UTF_8)));
    assertThat(crd.code()).as(crd.body()).isEqualTo(201);
    await().atMost(Duration.ofSeconds(60)).until(() -> api.get(Kind.GADGET.path).code() == 200);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  static HttpResponse<String> send(String method, String path, String type, String body)
      throws Exception {
    HttpRequest req =
        api.request(path)
            .header("Content-Type", type)
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .build();
    return api.http().send(req, HttpResponse.BodyHandlers.ofString());
  }

  /** Writes the unknown field the way {@code verb} does, into the object {@code name}. */
  static HttpResponse<String> write(Kind kind, String verb, String name, String mode)
      throws Exception {
    String q = mode.isEmpty() ? "" : "?fieldValidation=" + mode;
    String one = kind.path + "/" + name + q;
    String foo = kind == Kind.CONFIGMAP ? "{\"foo\":\"bar\"}" : "{\"spec\":{\"foo\":\"bar\"}}";
    return switch (verb) {
      case "create" -> send("POST", kind.path + q, "application/json", kind.object(name, true));
      case "update" -> send("PUT", one, "application/json", kind.object(name, true));
      case "merge" -> send("PATCH", one, "application/merge-patch+json", foo);
      case "json" -> {
        String op =
            kind == Kind.CONFIGMAP
                ? "[{\"op\":\"add\",\"path\":\"/foo\",\"value\":\"bar\"}]"
                : "[{\"op\":\"add\",\"path\":\"/spec/foo\",\"value\":\"bar\"}]";
        yield send("PATCH", one, "application/json-patch+json", op);
      }
      case "strategic" -> send("PATCH", one, "application/strategic-merge-patch+json", foo);
      default -> throw new IllegalArgumentException(verb);
    };
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @CsvSource({
    "CONFIGMAP,create,Strict",
    "CONFIGMAP,create,Warn",
    "CONFIGMAP,create,Ignore",
    "CONFIGMAP,update,Warn",
    "CONFIGMAP,merge,Warn",
    "CONFIGMAP,json,Ignore",
    "CONFIGMAP,strategic,Strict",
    "DEPLOYMENT,create,Strict",
    "DEPLOYMENT,create,Warn",
    "DEPLOYMENT,create,Ignore",
    "DEPLOYMENT,update,Strict",
    "DEPLOYMENT,update,Warn",
    "DEPLOYMENT,merge,Strict",
    "DEPLOYMENT,merge,Warn",
    "DEPLOYMENT,json,Warn",
    "DEPLOYMENT,json,Ignore",
    "DEPLOYMENT,strategic,Strict",
    "DEPLOYMENT,strategic,Warn",
    "GADGET,create,Strict",
    "GADGET,create,Warn",
    "GADGET,create,Ignore",
    "GADGET,update,Strict",
    "GADGET,update,Warn",
    "GADGET,merge,Strict",
    "GADGET,merge,Warn",
    "GADGET,json,Ignore",
  })
  void unknownFieldsAreRejectedOrWarnedAndNeverStored(Kind kind, String verb, String mode)
      throws Exception {
    String name = (kind + "-" + verb + "-" + mode).toLowerCase();
    if (!verb.equals("create")) {
      HttpResponse<String> c =
          send("POST", kind.path, "application/json", kind.object(name, false));
      assertThat(c.statusCode()).as(c.body()).isEqualTo(201);
    }
    HttpResponse<String> r = write(kind, verb, name, mode);
    String warning = "unknown field \\\"" + kind.unknownField() + "\\\"";
    if (mode.equals("Strict")) {
      assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
      assertThat(
              Json.parseObject(r.body().getBytes(StandardCharsets.UTF_8)).path("message").asText())
          .contains("strict decoding error: unknown field \"" + kind.unknownField() + "\"");
    } else {
      assertThat(r.statusCode()).as(r.body()).isBetween(200, 201);
      List<String> warnings = r.headers().allValues("Warning");
      if (mode.equals("Warn")) {
        assertThat(warnings).containsExactly("299 - \"" + warning + "\"");
      } else {
        assertThat(warnings).isEmpty();
      }
      JsonNode answered = Json.parseObject(r.body().getBytes(StandardCharsets.UTF_8));
      assertThat(parentOf(kind, answered).has("foo")).as(r.body()).isFalse();
    }
    ApiClient.Response stored = api.get(kind.path + "/" + name);
    if (verb.equals("create") && mode.equals("Strict")) {
      assertThat(stored.code()).isEqualTo(404);
      return;
    }
    assertThat(stored.code()).isEqualTo(200);
    ObjectNode obj = stored.json();
    assertThat(parentOf(kind, obj).has("foo")).as(stored.body()).isFalse();
    assertThat(obj.path(kind.parent).path(kind.known).asText()).isEqualTo("1");
  }

  private static JsonNode parentOf(Kind kind, JsonNode obj) {
    return kind == Kind.CONFIGMAP ? obj : obj.path("spec");
  }
}
