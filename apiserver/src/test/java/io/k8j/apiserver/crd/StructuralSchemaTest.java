package io.k8j.apiserver.crd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.registry.validation.FieldError;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Validation, defaulting and pruning of custom resources against a CRD version's schema. */
class StructuralSchemaTest {
  private static final StructuralSchema SCHEMA =
      new StructuralSchema(
          json(
              """
              {"type": "object",
               "properties": {
                 "spec": {"type": "object", "required": ["cronSpec"],
                   "properties": {
                     "cronSpec": {"type": "string", "pattern": "^[0-9*/ ]+$", "maxLength": 20},
                     "name": {"type": "string", "minLength": 2},
                     "replicas": {"type": "integer", "minimum": 1, "maximum": 10, "default": 1},
                     "ratio": {"type": "number", "exclusiveMaximum": true, "maximum": 1},
                     "mode": {"type": "string", "enum": ["Fast", "Slow"], "default": "Fast"},
                     "port": {"x-kubernetes-int-or-string": true},
                     "note": {"type": "string", "nullable": true},
                     "tags": {"type": "array", "maxItems": 2, "minItems": 1, "items": {"type": "string"}},
                     "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                     "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
                     "template": {"type": "object", "x-kubernetes-embedded-resource": true,
                       "x-kubernetes-preserve-unknown-fields": true},
                     "limits": {"type": "object", "default": {},
                       "properties": {"cpu": {"type": "string", "default": "1"}}}
                   }},
                 "status": {"type": "object", "properties": {"ready": {"type": "boolean"}}}
               }}
              """));

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("{\"spec\": {}}", List.of("spec.cronSpec: Required value")),
        Arguments.of(
            "{\"spec\": {\"cronSpec\": \"x\"}}",
            List.of(
                "spec.cronSpec: Invalid value: \"x\": spec.cronSpec in body should match '^[0-9*/ ]+$'")),
        Arguments.of(
            "{\"spec\": {\"cronSpec\": \"* * * * * * * * * * * *\"}}",
            List.of("spec.cronSpec: Too long: may not be more than 20 bytes")),
        Arguments.of(
            "{\"spec\": {\"cronSpec\": \"*\", \"replicas\": 20}}",
            List.of(
                "spec.replicas: Invalid value: 20: spec.replicas in body should be less than or equal to 10")),
        Arguments.of(
            "{\"spec\": {\"cronSpec\": \"*\", \"replicas\": 0}}",
            List.of(
                "spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1")),
        Arguments.of(
            "{\"spec\": {\"cronSpec\": \"*\", \"ratio\": 1}}",
            List.of("spec.ratio: Invalid value: 1: spec.ratio in body should be less than 1")),
        Arguments.of(
            "{\"spec\": {\"cronSpec\": \"*\", \"replicas\": \"three\"}}",
            List.of(
                "spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\"")),
        Arguments.of(
            "{\"spec\": {\"cronSpec\": \"*\", \"mode\": \"Medium\"}}",
            List.of(
                "spec.mode: Unsupported value: \"Medium\": supported values: \"Fast\", \"Slow\"")),
        Arguments.of(
            "{\"spec\": {\"cronSpec\": \"*\", \"port\": true}}",
            List.of(
                "spec.port: Invalid value: \"boolean\": spec.port in body must be of type integer,string: \"boolean\"")),
        Arguments.of(
            "{\"spec\": {\"cronSpec\": \"*\", \"name\": null}}",
            List.of(
                "spec.name: Invalid value: \"null\": spec.name in body must be of type string: \"null\"")),
        Arguments.of(
            "{\"spec\": {\"cronSpec\": \"*\", \"name\": \"a\"}}",
            List.of(
                "spec.name: Invalid value: \"a\": spec.name in body should be at least 2 chars long")),
        Arguments.of(
            "{\"spec\": {\"cronSpec\": \"*\", \"tags\": [\"a\", \"b\", \"c\"]}}",
            List.of("spec.tags: Too many: 3: must have at most 2 items")),
        Arguments.of(
            "{\"spec\": {\"cronSpec\": \"*\", \"tags\": []}}",
            List.of("spec.tags: Invalid value: 0: spec.tags in body should have at least 1 items")),
        Arguments.of(
            "{\"spec\": {\"cronSpec\": \"*\", \"tags\": [\"a\", 1]}}",
            List.of(
                "spec.tags[1]: Invalid value: \"integer\": spec.tags[1] in body must be of type string: \"integer\"")),
        Arguments.of(
            "{\"spec\": {\"cronSpec\": \"*\", \"labels\": {\"a\": 1}}}",
            List.of(
                "spec.labels.a: Invalid value: \"integer\": spec.labels.a in body must be of type string: \"integer\"")),
        Arguments.of(
            "{\"spec\": {\"cronSpec\": \"*\", \"template\": {\"spec\": {}}}}",
            List.of(
                "spec.template.apiVersion: Required value: must not be empty",
                "spec.template.kind: Required value: must not be empty")),
        Arguments.of(
            "{\"spec\": {\"replicas\": 0, \"mode\": \"x\"}}",
            List.of(
                "spec.cronSpec: Required value",
                "spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1",
                "spec.mode: Unsupported value: \"x\": supported values: \"Fast\", \"Slow\"")));
  }

  @ParameterizedTest
  @MethodSource
  void invalid(String body, List<String> errors) {
    assertThat(SCHEMA.validate(json(body)).stream().map(FieldError::toString))
        .containsExactlyElementsOf(errors);
  }

  static Stream<Arguments> valid() {
    return Stream.of(
        Arguments.of("{\"spec\": {\"cronSpec\": \"*/5 * * * *\"}}"),
        Arguments.of("{\"spec\": {\"cronSpec\": \"*\", \"port\": 80}}"),
        Arguments.of("{\"spec\": {\"cronSpec\": \"*\", \"port\": \"http\"}}"),
        Arguments.of("{\"spec\": {\"cronSpec\": \"*\", \"note\": null}}"),
        Arguments.of("{\"spec\": {\"cronSpec\": \"*\", \"replicas\": 2.0}}"),
        Arguments.of(
            "{\"spec\": {\"cronSpec\": \"*\", \"template\": {\"apiVersion\": \"v1\", \"kind\": \"Pod\"}}}"),
        Arguments.of(
            "{\"apiVersion\": \"x/v1\", \"kind\": \"X\", \"metadata\": {\"name\": \"a\"}, \"spec\": {\"cronSpec\": \"*\"}}"));
  }

  @ParameterizedTest
  @MethodSource
  void valid(String body) {
    assertThat(SCHEMA.validate(json(body))).isEmpty();
  }

  static Stream<Arguments> pruning() {
    return Stream.of(
        Arguments.of(
            "{\"apiVersion\": \"x/v1\", \"kind\": \"X\", \"metadata\": {\"name\": \"a\"}, \"junk\": 1, \"spec\": {\"cronSpec\": \"*\", \"bogus\": true}}",
            "{\"apiVersion\": \"x/v1\", \"kind\": \"X\", \"metadata\": {\"name\": \"a\"}, \"spec\": {\"cronSpec\": \"*\"}}",
            List.of("junk", "spec.bogus")),
        Arguments.of(
            "{\"spec\": {\"extra\": {\"anything\": {\"goes\": 1}}, \"labels\": {\"free\": \"x\"}}}",
            "{\"spec\": {\"extra\": {\"anything\": {\"goes\": 1}}, \"labels\": {\"free\": \"x\"}}}",
            List.of()),
        Arguments.of(
            "{\"status\": {\"ready\": true, \"phase\": \"x\"}}",
            "{\"status\": {\"ready\": true}}",
            List.of("status.phase")),
        Arguments.of(
            "{\"spec\": {\"template\": {\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {}, \"spec\": {}}}}",
            "{\"spec\": {\"template\": {\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {}, \"spec\": {}}}}",
            List.of()));
  }

  @ParameterizedTest
  @MethodSource
  void pruning(String body, String pruned, List<String> unknown) {
    ObjectNode obj = (ObjectNode) json(body);
    assertThat(SCHEMA.unknownFields(obj)).containsExactlyElementsOf(unknown);
    SCHEMA.prune(obj);
    assertThat(obj).isEqualTo(json(pruned));
  }

  static Stream<Arguments> defaulting() {
    return Stream.of(
        Arguments.of(
            "{\"spec\": {\"cronSpec\": \"*\"}}",
            "{\"spec\": {\"cronSpec\": \"*\", \"replicas\": 1, \"mode\": \"Fast\", \"limits\": {\"cpu\": \"1\"}}}"),
        Arguments.of(
            "{\"spec\": {\"cronSpec\": \"*\", \"replicas\": 3, \"mode\": \"Slow\", \"limits\": {\"cpu\": \"2\"}}}",
            "{\"spec\": {\"cronSpec\": \"*\", \"replicas\": 3, \"mode\": \"Slow\", \"limits\": {\"cpu\": \"2\"}}}"),
        Arguments.of("{}", "{}"));
  }

  @ParameterizedTest
  @MethodSource
  void defaulting(String body, String defaulted) {
    ObjectNode obj = (ObjectNode) json(body);
    SCHEMA.applyDefaults(obj);
    assertThat(obj).isEqualTo(json(defaulted));
  }

  private static JsonNode json(String s) {
    try {
      return Json.MAPPER.readTree(s);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }
}
