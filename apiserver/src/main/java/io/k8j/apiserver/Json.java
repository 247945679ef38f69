package io.k8j.apiserver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The JSON and YAML mappers of the API server, and small helpers on unstructured objects. */
public final class Json {
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  public static final ObjectMapper YAML =
      YAMLMapper.builder(
              YAMLFactory.builder()
                  .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                  .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                  .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                  .build())
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  private Json() {}

  public static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  public static ObjectNode parseObject(byte[] bytes) {
    try {
      JsonNode node = MAPPER.readTree(bytes);
      if (node instanceof ObjectNode o) {
        return o;
      }
      throw new IllegalArgumentException("not a JSON object");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String bytesAsString(JsonNode node) {
    return new String(bytes(node), java.nio.charset.StandardCharsets.UTF_8);
  }

  public static byte[] yamlBytes(JsonNode node) {
    try {
      return YAML.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The object at {@code path} (dot-separated), or a missing node. */
  public static JsonNode at(JsonNode node, String dottedPath) {
    JsonNode cur = node;
    for (String p : dottedPath.split("\\.")) {
      cur = cur.path(p);
    }
    return cur;
  }

  /** The text at {@code path}, or "" when absent or not a value. */
  public static String text(JsonNode node, String dottedPath) {
    JsonNode n = at(node, dottedPath);
    return n.isValueNode() && !n.isNull() ? n.asText() : "";
  }

  /** The object field {@code name} of {@code parent}, created if absent or not an object. */
  public static ObjectNode child(ObjectNode parent, String name) {
    JsonNode n = parent.get(name);
    if (n instanceof ObjectNode o) {
      return o;
    }
    return parent.putObject(name);
  }

  public static ObjectNode metadata(ObjectNode obj) {
    return child(obj, "metadata");
  }
}
