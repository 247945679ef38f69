package io.k8j.apiserver.registry.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import org.junit.jupiter.api.Test;

class PodDefaultsTest {
  static ObjectNode spec(String json) throws Exception {
    ObjectNode spec = (ObjectNode) Json.MAPPER.readTree(json);
    PodDefaults.apply(spec);
    return spec;
  }

  @Test
  void probesGetUpstreamsTimingsAndHttpGetsAPathAndScheme() throws Exception {
    ObjectNode spec =
        spec(
            """
            {"containers":[{"name":"c","image":"nginx:1.27",
              "livenessProbe":{"httpGet":{"port":"http"},"periodSeconds":20},
              "readinessProbe":{"exec":{"command":["true"]},"failureThreshold":5},
              "startupProbe":{"tcpSocket":{"port":80}},
              "lifecycle":{"preStop":{"httpGet":{"port":80,"path":"/quit"}}}}]}
            """);
    var c = spec.path("containers").path(0);
    assertThat(c.path("livenessProbe").toString())
        .isEqualTo(
            "{\"httpGet\":{\"port\":\"http\",\"path\":\"/\",\"scheme\":\"HTTP\"},"
                + "\"periodSeconds\":20,\"timeoutSeconds\":1,\"successThreshold\":1,"
                + "\"failureThreshold\":3}");
    assertThat(c.path("readinessProbe").path("failureThreshold").asInt()).isEqualTo(5);
    assertThat(c.path("readinessProbe").path("periodSeconds").asInt()).isEqualTo(10);
    assertThat(c.path("startupProbe").path("timeoutSeconds").asInt()).isEqualTo(1);
    assertThat(c.path("lifecycle").path("preStop").path("httpGet").toString())
        .isEqualTo("{\"port\":80,\"path\":\"/quit\",\"scheme\":\"HTTP\"}");
  }

  @Test
  void volumesGetFileModesAndDownwardFieldsTheirVersion() throws Exception {
    ObjectNode spec =
        spec(
            """
            {"containers":[{"name":"c","image":"busybox","env":[
               {"name":"POD","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}},
               {"name":"MEM","valueFrom":{"resourceFieldRef":{"resource":"limits.memory"}}},
               {"name":"KEY","valueFrom":{"secretKeyRef":{"name":"s","key":"k"}}}]}],
             "volumes":[
               {"name":"a","configMap":{"name":"cm"}},
               {"name":"b","secret":{"secretName":"s","defaultMode":256}},
               {"name":"c","hostPath":{"path":"/data"}},
               {"name":"d","downwardAPI":{"items":[{"path":"n","fieldRef":{"fieldPath":"metadata.name"}}]}},
               {"name":"e","emptyDir":{}}]}
            """);
    var env = spec.path("containers").path(0).path("env");
    assertThat(env.path(0).path("valueFrom").path("fieldRef").path("apiVersion").asText())
        .isEqualTo("v1");
    assertThat(env.path(1).path("valueFrom").path("resourceFieldRef").path("divisor").asText())
        .isEqualTo("0");
    assertThat(env.path(2).path("valueFrom").toString())
        .isEqualTo("{\"secretKeyRef\":{\"name\":\"s\",\"key\":\"k\"}}");
    var volumes = spec.path("volumes");
    assertThat(volumes.path(0).path("configMap").path("defaultMode").asInt()).isEqualTo(420);
    assertThat(volumes.path(1).path("secret").path("defaultMode").asInt()).isEqualTo(256);
    assertThat(volumes.path(2).path("hostPath").toString())
        .isEqualTo("{\"path\":\"/data\",\"type\":\"\"}");
    assertThat(volumes.path(3).path("downwardAPI").toString())
        .isEqualTo(
            "{\"items\":[{\"path\":\"n\",\"fieldRef\":{\"fieldPath\":\"metadata.name\","
                + "\"apiVersion\":\"v1\"}}],\"defaultMode\":420}");
    assertThat(volumes.path(4).toString()).isEqualTo("{\"name\":\"e\",\"emptyDir\":{}}");
  }
}
