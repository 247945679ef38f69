package io.k8j.apiserver.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.registry.validation.FieldError;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Upstream's validation of a CustomResourceDefinition, for what this server relies on. */
final class CrdValidation {
  private CrdValidation() {}

  static List<FieldError> validate(ObjectNode crd) {
    List<FieldError> errs = new ArrayList<>();
    JsonNode spec = crd.path("spec");
    String name = crd.path("metadata").path("name").asText("");
    String group = spec.path("group").asText("");
    JsonNode names = spec.path("names");
    String plural = names.path("plural").asText("");
    if (!name.equals(plural + "." + group)) {
      errs.add(
          FieldError.invalid("metadata.name", name, "must be spec.names.plural+\".\"+spec.group"));
    }
    if (group.isEmpty()) {
      errs.add(FieldError.required("spec.group", ""));
    } else if (!group.contains(".")) {
      errs.add(FieldError.invalid("spec.group", group, "should be a domain with at least one dot"));
    }
    String scope = spec.path("scope").asText("");
    if (scope.isEmpty()) {
      errs.add(FieldError.required("spec.scope", ""));
    } else if (!scope.equals("Namespaced") && !scope.equals("Cluster")) {
      errs.add(FieldError.notSupported("spec.scope", scope, List.of("Cluster", "Namespaced")));
    }
    names(names, errs);
    versions(spec.path("versions"), errs);
    String strategy = spec.path("conversion").path("strategy").asText("None");
    if (!strategy.equals("None")) {
      errs.add(FieldError.notSupported("spec.conversion.strategy", strategy, List.of("None")));
    }
    return errs;
  }

  private static void names(JsonNode names, List<FieldError> errs) {
    String plural = names.path("plural").asText("");
    if (plural.isEmpty()) {
      errs.add(FieldError.required("spec.names.plural", ""));
    } else if (!CustomResourceDefinitions.dnsLabel(plural)) {
      errs.add(
          FieldError.invalid(
              "spec.names.plural",
              plural,
              "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"));
    }
    String singular = names.path("singular").asText("");
    if (!singular.isEmpty() && !CustomResourceDefinitions.dnsLabel(singular)) {
      errs.add(
          FieldError.invalid(
              "spec.names.singular",
              singular,
              "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character"));
    }
    String kind = names.path("kind").asText("");
    if (kind.isEmpty()) {
      errs.add(FieldError.required("spec.names.kind", ""));
    } else if (!CustomResourceDefinitions.kindName(kind)) {
      errs.add(
          FieldError.invalid(
              "spec.names.kind",
              kind,
              "may have mixed case, but should otherwise match: [a-z0-9]([-a-z0-9]*[a-z0-9])?"));
    }
    int i = 0;
    for (JsonNode s : names.path("shortNames")) {
      if (!CustomResourceDefinitions.dnsLabel(s.asText(""))) {
        errs.add(
            FieldError.invalid(
                "spec.names.shortNames[" + i + "]",
                s.asText(""),
                "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character"));
      }
      i++;
    }
  }

  private static void versions(JsonNode versions, List<FieldError> errs) {
    if (!versions.isArray() || versions.isEmpty()) {
      errs.add(
          FieldError.required(
              "spec.versions", "must have exactly one version marked as storage version"));
      return;
    }
    int storage = 0;
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < versions.size(); i++) {
      JsonNode v = versions.get(i);
      String path = "spec.versions[" + i + "]";
      String name = v.path("name").asText("");
      if (name.isEmpty()) {
        errs.add(FieldError.required(path + ".name", ""));
      } else if (!CustomResourceDefinitions.dnsLabel(name)) {
        errs.add(
            FieldError.invalid(
                path + ".name",
                name,
                "a DNS-1035 label must consist of lower case alphanumeric characters or '-'"));
      } else if (!seen.add(name)) {
        errs.add(FieldError.duplicate(path + ".name", name));
      }
      if (v.path("storage").asBoolean(false)) {
        storage++;
      }
      JsonNode schema = v.path("schema").path("openAPIV3Schema");
      if (schema.isMissingNode() || schema.isNull()) {
        errs.add(FieldError.required(path + ".schema.openAPIV3Schema", "schemas are required"));
      } else if (!schema.path("type").asText("").equals("object")) {
        errs.add(
            FieldError.invalid(
                path + ".schema.openAPIV3Schema.type",
                schema.path("type").asText(""),
                "must be object at the root"));
      }
      int j = 0;
      for (JsonNode c : v.path("additionalPrinterColumns")) {
        String cp = path + ".additionalPrinterColumns[" + j++ + "]";
        if (c.path("name").asText("").isEmpty()) {
          errs.add(FieldError.required(cp + ".name", ""));
        }
        if (c.path("jsonPath").asText("").isEmpty()) {
          errs.add(FieldError.required(cp + ".jsonPath", ""));
        }
        String type = c.path("type").asText("");
        if (!List.of("integer", "number", "string", "boolean", "date").contains(type)) {
          errs.add(
              FieldError.notSupported(
                  cp + ".type", type, List.of("boolean", "date", "integer", "number", "string")));
        }
      }
    }
    if (storage != 1) {
      errs.add(
          FieldError.invalid(
              "spec.versions",
              new FieldError.Raw(versions.toString()),
              "must have exactly one version marked as storage version"));
    }
  }
}
