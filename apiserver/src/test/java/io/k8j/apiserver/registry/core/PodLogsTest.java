package io.k8j.apiserver.registry.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.http.ApiException;
import org.junit.jupiter.api.Test;

class PodLogsTest {
  static ObjectNode pod(String json) {
    return Json.parseObject(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void theOnlyContainerIsTheDefault() {
    ObjectNode p = pod("{\"spec\":{\"containers\":[{\"name\":\"a\"}]}}");
    assertThat(PodLogs.container(p, "p", null)).isEqualTo("a");
    assertThat(PodLogs.container(p, "p", "a")).isEqualTo("a");
  }

  @Test
  void upstreamsMessagesWhenTheContainerIsNotClear() {
    ObjectNode p =
        pod(
            "{\"spec\":{\"initContainers\":[{\"name\":\"i\"}],"
                + "\"containers\":[{\"name\":\"a\"},{\"name\":\"b\"}]}}");
    assertThatThrownBy(() -> PodLogs.container(p, "p", ""))
        .isInstanceOf(ApiException.class)
        .hasMessage(
            "a container name must be specified for pod p, choose one of: [a b] or one of the init"
                + " containers: [i]")
        .extracting(e -> ((ApiException) e).code())
        .isEqualTo(400);
    assertThatThrownBy(() -> PodLogs.container(p, "p", "x"))
        .hasMessage("container x is not valid for pod p");
    assertThat(PodLogs.container(p, "p", "i")).isEqualTo("i");
  }
}
