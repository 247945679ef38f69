package io.k8j.apiserver.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import org.junit.jupiter.api.Test;

class OmitEmptyMetadataTest {
  @Test
  void emptyLabelsAnnotationsFinalizersAndOwnersAreLeftOutAndTheRestKept() throws Exception {
    ObjectNode meta =
        (ObjectNode)
            Json.MAPPER.readTree(
                """
                {"name":"x","labels":{},"annotations":{"a":"1"},"finalizers":[],
                 "ownerReferences":null,"managedFields":[{"manager":"m"}]}
                """);
    ResourceStore.omitEmpty(meta);
    assertThat(meta.toString())
        .isEqualTo(
            "{\"name\":\"x\",\"annotations\":{\"a\":\"1\"},\"managedFields\":[{\"manager\":\"m\"}]}");
  }
}
