package io.k8j.apiserver.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.http.ApiException;
import io.k8j.apiserver.registry.Ages;
import io.k8j.apiserver.registry.Column;
import io.k8j.apiserver.registry.Converter;
import io.k8j.apiserver.registry.ResourceDef;
import io.k8j.apiserver.registry.Subresource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The resources a CRD defines: one {@link ResourceDef} per served version, sharing one storage (in
 * the storage version; the None conversion changes only {@code apiVersion}), with the CRD's names,
 * scope, subresources, printer columns and schema; while the CRD terminates, creates are refused.
 * Versions are ordered as upstream orders them (GA before beta before alpha, higher first), so the
 * first is the preferred one.
 */
public final class CustomResources {
  private static final Pattern VERSION = Pattern.compile("v(\\d+)(?:(alpha|beta)(\\d+))?");

  private CustomResources() {}

  public static List<ResourceDef> definitions(JsonNode crd) {
    JsonNode spec = crd.path("spec");
    String group = spec.path("group").asText();
    JsonNode names = spec.path("names");
    JsonNode storage = CustomResourceDefinitions.storageVersion(crd);
    boolean terminating = crd.path("metadata").has("deletionTimestamp");
    String storageApiVersion = group + "/" + (storage == null ? "" : storage.path("name").asText());
    List<JsonNode> versions = new ArrayList<>();
    spec.path("versions").forEach(versions::add);
    versions.sort(
        Comparator.comparing(v -> v.path("name").asText(), CustomResources::compareVersions));
    List<ResourceDef> defs = new ArrayList<>();
    for (JsonNode v : versions) {
      if (!v.path("served").asBoolean(false)) {
        continue;
      }
      defs.add(
          definition(group, names, spec.path("scope").asText(), v, storageApiVersion, terminating));
    }
    return defs;
  }

  private static ResourceDef definition(
      String group,
      JsonNode names,
      String scope,
      JsonNode v,
      String storageApiVersion,
      boolean terminating) {
    String version = v.path("name").asText();
    String kind = names.path("kind").asText();
    ResourceDef.Builder b =
        ResourceDef.builder(group, version, kind, names.path("plural").asText())
            .shortNames(strings(names.path("shortNames")))
            .categories(strings(names.path("categories")))
            .storage(group + "/" + names.path("plural").asText());
    if (scope.equals("Cluster")) {
      b.clusterScoped();
    }
    JsonNode subs = v.path("subresources");
    if (subs.has("status")) {
      b.withStatus();
    }
    if (subs.has("scale")) {
      b.subresource(Subresource.scale());
    }
    List<Column> columns = columns(v.path("additionalPrinterColumns"));
    if (!columns.isEmpty()) {
      List<Column> all = new ArrayList<>();
      all.add(Column.nameColumn());
      all.addAll(columns);
      b.exactColumns(all.toArray(Column[]::new));
    }
    JsonNode schema = v.path("schema").path("openAPIV3Schema");
    StructuralSchema structural = new StructuralSchema(schema);
    b.strategy(new CustomResourceStrategy(structural, subs.has("status"), terminating));
    b.openApiSchema(schema.isObject() ? (ObjectNode) schema : Json.object().put("type", "object"));
    String apiVersion = group + "/" + version;
    if (!apiVersion.equals(storageApiVersion)) {
      b.converter(new NoneConversion(apiVersion, storageApiVersion));
    }
    return b.build();
  }

  /**
   * Rejects a strategic merge patch of a custom resource with upstream's 415: custom resources have
   * no patch strategies to merge by.
   */
  public static void checkPatchType(ResourceDef def, String contentType) {
    if (def.openApiSchema() != null
        && contentType != null
        && contentType.startsWith("application/strategic-merge-patch+json")) {
      throw new ApiException(
          415,
          "UnsupportedMediaType",
          "the body of the request was in an unknown format - accepted media types include:"
              + " application/json-patch+json, application/merge-patch+json,"
              + " application/apply-patch+yaml",
          null);
    }
  }

  private static List<Column> columns(JsonNode printerColumns) {
    List<Column> out = new ArrayList<>();
    for (JsonNode c : printerColumns) {
      String type = c.path("type").asText("string");
      JsonPath path = JsonPath.parse(c.path("jsonPath").asText(""));
      out.add(
          new Column(
              c.path("name").asText(),
              type,
              c.path("format").asText(""),
              c.path("description").asText(""),
              c.path("priority").asInt(0),
              o -> cell(path.read(o), type)));
    }
    return out;
  }

  private static Object cell(JsonNode v, String type) {
    if (v.isMissingNode() || v.isNull()) {
      return null;
    }
    return switch (type) {
      case "date" -> v.isTextual() ? Ages.since(v.asText()) : v.toString();
      case "integer" -> v.isNumber() ? v.asLong() : v.asText();
      case "number" -> v.isNumber() ? v.asDouble() : v.asText();
      case "boolean" -> v.isBoolean() ? v.asBoolean() : v.asText();
      default -> v.isValueNode() ? v.asText() : v.toString();
    };
  }

  private static String[] strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(x -> out.add(x.asText()));
    return out.toArray(String[]::new);
  }

  /**
   * Upstream's version priority: GA versions first (higher first), then beta, then alpha, then
   * names that are not Kubernetes versions, alphabetically.
   */
  static int compareVersions(String a, String b) {
    Matcher ma = VERSION.matcher(a);
    Matcher mb = VERSION.matcher(b);
    boolean ka = ma.matches();
    boolean kb = mb.matches();
    if (!ka || !kb) {
      return ka ? -1 : kb ? 1 : a.compareTo(b);
    }
    int ra = rank(ma.group(2));
    int rb = rank(mb.group(2));
    if (ra != rb) {
      return Integer.compare(ra, rb);
    }
    int major = Integer.compare(Integer.parseInt(mb.group(1)), Integer.parseInt(ma.group(1)));
    if (major != 0 || ma.group(3) == null) {
      return major;
    }
    return Integer.compare(Integer.parseInt(mb.group(3)), Integer.parseInt(ma.group(3)));
  }

  private static int rank(String stability) {
    return stability == null ? 0 : stability.equals("beta") ? 1 : 2;
  }

  /** The None conversion: the object as it is, in the other version. */
  private record NoneConversion(String served, String stored) implements Converter {
    @Override
    public ObjectNode toStorage(ObjectNode obj) {
      ObjectNode copy = obj.deepCopy();
      copy.put("apiVersion", stored);
      return copy;
    }

    @Override
    public ObjectNode fromStorage(ObjectNode obj) {
      ObjectNode copy = obj.deepCopy();
      copy.put("apiVersion", served);
      return copy;
    }
  }
}
