package io.k8j.kubelet.util;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Jackson configured for the fabric8 model: nulls left out, unknown fields ignored. */
public final class Json {
  public static final ObjectMapper MAPPER =
      new ObjectMapper()
          .setSerializationInclusion(JsonInclude.Include.NON_NULL)
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
          .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
  public static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .setSerializationInclusion(JsonInclude.Include.NON_NULL)
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private Json() {}

  public static String write(Object o) {
    try {
      return MAPPER.writeValueAsString(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode tree(Object o) {
    return MAPPER.valueToTree(o);
  }

  public static <T> T read(String s, Class<T> type) {
    try {
      return MAPPER.readValue(s, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static <T> T convert(Object o, Class<T> type) {
    return MAPPER.convertValue(o, type);
  }

  /** A deep copy through JSON. */
  @SuppressWarnings("unchecked")
  public static <T> T copy(T o) {
    return (T) MAPPER.convertValue(o, o.getClass());
  }
}
