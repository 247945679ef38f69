package io.k8j.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** PriorityClasses and the Priority admission plugin, with upstream's messages. */
class PriorityTest {
  static final String CLASSES = "/apis/scheduling.k8s.io/v1/priorityclasses";
  static final String PODS = "/api/v1/namespaces/default/pods";
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

  static JsonNode json(String s) throws Exception {
    return Json.MAPPER.readTree(s.replace('\'', '"'));
  }

  static String pod(String name, String extraSpec) {
    return "{'kind':'Pod','metadata':{'name':'"
        + name
        + "'},'spec':{"
        + extraSpec
        + (extraSpec.isEmpty() ? "" : ",")
        + "'containers':[{'name':'c','image':'x'}]}}";
  }

  @Test
  void theSystemClassesExistFromTheStart() throws Exception {
    var node = api.get(CLASSES + "/system-node-critical");
    assertThat(node.code()).isEqualTo(200);
    assertThat(node.json().path("value").asLong()).isEqualTo(2000001000L);
    assertThat(node.json().path("preemptionPolicy").asText()).isEqualTo("PreemptLowerPriority");
    var cluster = api.get(CLASSES + "/system-cluster-critical");
    assertThat(cluster.json().path("value").asLong()).isEqualTo(2000000000L);
    assertThat(api.get("/apis/scheduling.k8s.io/v1").body()).contains("\"priorityclasses\"");
  }

  @Test
  void aPodGetsThePriorityAndPolicyOfItsClass() throws Exception {
    var c =
        api.post(
            CLASSES,
            json(
                "{'kind':'PriorityClass','metadata':{'name':'never-preempts'},'value':500,"
                    + "'preemptionPolicy':'Never'}"));
    assertThat(c.code()).as(c.body()).isEqualTo(201);
    var p = api.post(PODS, json(pod("classy", "'priorityClassName':'never-preempts'")));
    assertThat(p.code()).as(p.body()).isEqualTo(201);
    assertThat(p.json().path("spec").path("priority").asLong()).isEqualTo(500);
    assertThat(p.json().path("spec").path("preemptionPolicy").asText()).isEqualTo("Never");

    var critical =
        api.post(PODS, json(pod("critical", "'priorityClassName':'system-node-critical'")));
    assertThat(critical.json().path("spec").path("priority").asLong()).isEqualTo(2000001000L);
  }

  @Test
  void anUnknownClassOrAPriorityOfItsOwnIsForbidden() throws Exception {
    var p = api.post(PODS, json(pod("lost", "'priorityClassName':'x'")));
    assertThat(p.code()).isEqualTo(403);
    assertThat(p.json().path("reason").asText()).isEqualTo("Forbidden");
    assertThat(p.json().path("message").asText())
        .isEqualTo("pods \"lost\" is forbidden: no PriorityClass with name x was found");

    var own = api.post(PODS, json(pod("own", "'priority':7")));
    assertThat(own.code()).isEqualTo(403);
    assertThat(own.json().path("message").asText())
        .isEqualTo(
            "pods \"own\" is forbidden: the integer value of priority (7) must not be provided in"
                + " pod spec; priority admission controller computed 0 from the given"
                + " PriorityClass name");
  }

  @Test
  void theGlobalDefaultClassAppliesToPodsWithoutOneAndOnlyOneCanExist() throws Exception {
    var plain = api.post(PODS, json(pod("before-default", "")));
    assertThat(plain.json().path("spec").path("priority").asLong()).isZero();
    assertThat(plain.json().path("spec").has("priorityClassName")).isFalse();

    var d =
        api.post(
            CLASSES,
            json(
                "{'kind':'PriorityClass','metadata':{'name':'normal'},'value':100,'globalDefault':true}"));
    assertThat(d.code()).as(d.body()).isEqualTo(201);
    // admission reads classes from the watch cache (as upstream's lister): wait until it has it
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(60))
        .until(() -> api.get(CLASSES + "?resourceVersion=0").body().contains("\"normal\""));
    try {
      var second =
          api.post(
              CLASSES,
              json(
                  "{'kind':'PriorityClass','metadata':{'name':'other'},'value':1,'globalDefault':true}"));
      assertThat(second.code()).isEqualTo(403);
      assertThat(second.json().path("message").asText())
          .isEqualTo(
              "priorityclasses.scheduling.k8s.io \"other\" is forbidden: PriorityClass normal is"
                  + " already marked as default. Only one default can exist");

      var p = api.post(PODS, json(pod("after-default", "")));
      assertThat(p.code()).as(p.body()).isEqualTo(201);
      assertThat(p.json().path("spec").path("priorityClassName").asText()).isEqualTo("normal");
      assertThat(p.json().path("spec").path("priority").asLong()).isEqualTo(100);
    } finally {
      api.delete(CLASSES + "/normal");
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{'kind':'PriorityClass','metadata':{'name':'system-mine'},'value':5}"
            + "|PriorityClass.scheduling.k8s.io \"system-mine\" is invalid: metadata.name: Forbidden:"
            + " priority class names with 'system-' prefix are reserved for system use only. error:"
            + " system-mine is not a known system priority class",
        "{'kind':'PriorityClass','metadata':{'name':'too-high'},'value':1000000001}"
            + "|PriorityClass.scheduling.k8s.io \"too-high\" is invalid: value: Forbidden: maximum"
            + " allowed value of a user defined priority is 1000000000",
        "{'kind':'PriorityClass','metadata':{'name':'odd'},'value':1,'preemptionPolicy':'Sometimes'}"
            + "|PriorityClass.scheduling.k8s.io \"odd\" is invalid: preemptionPolicy: Unsupported"
            + " value: \"Sometimes\": supported values: \"PreemptLowerPriority\", \"Never\"",
      })
  void invalidClassesGet422(String body, String message) throws Exception {
    var r = api.post(CLASSES, json(body));
    assertThat(r.code()).as(r.body()).isEqualTo(422);
    assertThat(r.json().path("message").asText()).isEqualTo(message);
  }

  @Test
  void theValueOfAClassCannotChange() throws Exception {
    var c =
        api.post(CLASSES, json("{'kind':'PriorityClass','metadata':{'name':'fixed'},'value':10}"));
    JsonNode obj = c.json();
    ((com.fasterxml.jackson.databind.node.ObjectNode) obj).put("value", 11);
    var u = api.put(CLASSES + "/fixed", obj);
    assertThat(u.code()).isEqualTo(422);
    assertThat(u.json().path("message").asText())
        .isEqualTo(
            "PriorityClass.scheduling.k8s.io \"fixed\" is invalid: value: Forbidden: may not be"
                + " changed in an update.");
  }
}
