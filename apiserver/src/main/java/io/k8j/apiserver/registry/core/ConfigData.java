package io.k8j.apiserver.registry.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.registry.Column;
import io.k8j.apiserver.registry.ResourceDef;
import io.k8j.apiserver.registry.Strategy;
import io.k8j.apiserver.registry.validation.FieldError;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * ConfigMaps and Secrets: key syntax, immutability, and a Secret's stringData and type (a
 * service-account token Secret names its account).
 */
public final class ConfigData implements Strategy {
  private static final Pattern KEY = Pattern.compile("[-._a-zA-Z0-9]+");
  private static final int MAX_SIZE = 1024 * 1024;

  private static final String SERVICE_ACCOUNT_TOKEN = "kubernetes.io/service-account-token";
  private static final String SERVICE_ACCOUNT_NAME = "kubernetes.io/service-account.name";
  private final boolean secret;

  private ConfigData(boolean secret) {
    this.secret = secret;
  }

  public static ResourceDef configMaps() {
    return ResourceDef.builder("", "v1", "ConfigMap", "configmaps")
        .shortNames("cm")
        .column(Column.integer("Data", o -> o.path("data").size() + o.path("binaryData").size()))
        .strategy(new ConfigData(false))
        .model(ConfigMap.class)
        .build();
  }

  public static ResourceDef secrets() {
    return ResourceDef.builder("", "v1", "Secret", "secrets")
        .column(Column.string("Type", o -> o.path("type").asText("")))
        .column(Column.integer("Data", o -> o.path("data").size()))
        .field("type", o -> Json.text(o, "type"))
        .strategy(new ConfigData(true))
        .model(Secret.class)
        .build();
  }

  @Override
  public boolean tracksGeneration() {
    return false;
  }

  @Override
  public void prepareForCreate(ObjectNode obj) {
    foldStringData(obj);
  }

  @Override
  public void prepareForUpdate(ObjectNode obj, ObjectNode old) {
    foldStringData(obj);
  }

  /** A Secret's stringData is written into data, base64-encoded, and not stored. */
  private void foldStringData(ObjectNode obj) {
    if (!secret || !obj.path("stringData").isObject()) {
      obj.remove("stringData");
      return;
    }
    ObjectNode data = Json.child(obj, "data");
    for (Map.Entry<String, JsonNode> e : obj.path("stringData").properties()) {
      data.put(
          e.getKey(),
          Base64.getEncoder()
              .encodeToString(e.getValue().asText().getBytes(StandardCharsets.UTF_8)));
    }
    obj.remove("stringData");
  }

  @Override
  public void applyDefaults(ObjectNode obj) {
    if (secret && obj.path("type").asText("").isEmpty()) {
      obj.put("type", "Opaque");
    }
  }

  @Override
  public List<FieldError> validate(ObjectNode obj) {
    List<FieldError> errs = new ArrayList<>();
    long total = 0;
    for (String field : secret ? List.of("data") : List.of("data", "binaryData")) {
      for (Map.Entry<String, JsonNode> e : obj.path(field).properties()) {
        String key = e.getKey();
        if (key.length() > 253 || !KEY.matcher(key).matches()) {
          errs.add(
              FieldError.invalid(
                  field + "[" + key + "]",
                  key,
                  "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g."
                      + " 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is"
                      + " '[-._a-zA-Z0-9]+')"));
        }
        if (!obj.path("data").has(key) || field.equals("data")) {
          total += e.getValue().asText().length();
        }
        if (field.equals("binaryData") && obj.path("data").has(key)) {
          errs.add(
              FieldError.invalid(
                  "data[" + key + "]", key, "duplicate of key present in binaryData"));
        }
        if ((secret || field.equals("binaryData")) && !isBase64(e.getValue().asText())) {
          errs.add(
              FieldError.invalid(
                  field + "[" + key + "]", "<secret contents redacted>", "illegal base64 data"));
        }
      }
    }
    if (total > MAX_SIZE) {
      errs.add(FieldError.tooLong(secret ? "data" : "", MAX_SIZE));
    }
    if (secret
        && obj.path("type").asText().equals(SERVICE_ACCOUNT_TOKEN)
        && obj.path("metadata")
            .path("annotations")
            .path(SERVICE_ACCOUNT_NAME)
            .asText("")
            .isEmpty()) {
      errs.add(FieldError.required("metadata.annotations[" + SERVICE_ACCOUNT_NAME + "]", ""));
    }
    return errs;
  }

  @Override
  public List<FieldError> validateUpdate(ObjectNode obj, ObjectNode old) {
    List<FieldError> errs = new ArrayList<>(validate(obj));
    if (old.path("immutable").asBoolean(false)) {
      if (!obj.path("data").equals(old.path("data"))
          || !obj.path("binaryData").equals(old.path("binaryData"))) {
        errs.add(FieldError.forbidden("data", "field is immutable when `immutable` is set"));
      }
      if (!obj.path("immutable").asBoolean(false)) {
        errs.add(FieldError.forbidden("immutable", "field is immutable when `immutable` is set"));
      }
    }
    if (secret && !obj.path("type").asText().equals(old.path("type").asText("Opaque"))) {
      errs.add(FieldError.invalid("type", obj.path("type").asText(), "field is immutable"));
    }
    return errs;
  }

  private static boolean isBase64(String s) {
    try {
      Base64.getDecoder().decode(s);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
