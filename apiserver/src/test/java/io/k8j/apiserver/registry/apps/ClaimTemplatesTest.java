package io.k8j.apiserver.registry.apps;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import org.junit.jupiter.api.Test;

class ClaimTemplatesTest {
  @Test
  void eachTemplateIsServedAsAPendingFilesystemClaimOfV1() throws Exception {
    ObjectNode spec =
        (ObjectNode)
            Json.MAPPER.readTree(
                """
                {"volumeClaimTemplates":[
                  {"metadata":{"name":"data"},"spec":{"accessModes":["ReadWriteOnce"],
                    "resources":{"requests":{"storage":"1Gi"}}}},
                  {"metadata":{"name":"raw"},"spec":{"volumeMode":"Block"}}]}
                """);
    AppsResources.claimTemplates(spec);
    var data = spec.path("volumeClaimTemplates").path(0);
    assertThat(data.path("apiVersion").asText()).isEqualTo("v1");
    assertThat(data.path("kind").asText()).isEqualTo("PersistentVolumeClaim");
    assertThat(data.path("spec").path("volumeMode").asText()).isEqualTo("Filesystem");
    assertThat(data.path("status").toString()).isEqualTo("{\"phase\":\"Pending\"}");
    assertThat(data.path("spec").path("resources").path("requests").path("storage").asText())
        .isEqualTo("1Gi");
    var raw = spec.path("volumeClaimTemplates").path(1);
    assertThat(raw.path("spec").path("volumeMode").asText()).isEqualTo("Block");
  }
}
