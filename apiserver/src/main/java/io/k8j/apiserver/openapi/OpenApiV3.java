package io.k8j.apiserver.openapi;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.registry.ResourceDef;
import io.k8j.apiserver.registry.ResourceRegistry;
import java.util.List;
import java.util.Map;

/**
 * The OpenAPI v3 documents kubectl needs to trust the server with validation: a root listing one
 * document per group-version, and in each, a PATCH operation per kind tagged with its
 * group-version-kind and taking the {@code fieldValidation} query parameter. Full schemas are not
 * served yet.
 */
public final class OpenApiV3 {
  private final ResourceRegistry registry;

  public OpenApiV3(ResourceRegistry registry) {
    this.registry = registry;
  }

  /** {@code GET /openapi/v3}. */
  public ObjectNode root() {
    ObjectNode o = Json.object();
    ObjectNode paths = o.putObject("paths");
    for (Map.Entry<String, List<String>> g : registry.groupVersions().entrySet()) {
      for (String v : g.getValue()) {
        String p = g.getKey().isEmpty() ? "api/" + v : "apis/" + g.getKey() + "/" + v;
        ObjectNode doc = groupVersion(g.getKey(), v);
        String hash = Integer.toHexString(doc.hashCode()).toUpperCase();
        paths.putObject(p).put("serverRelativeURL", "/openapi/v3/" + p + "?hash=" + hash);
      }
    }
    return o;
  }

  /** {@code GET /openapi/v3/api/v1} or {@code /openapi/v3/apis/<g>/<v>}; null when unknown. */
  public ObjectNode groupVersion(String group, String version) {
    List<ResourceDef> defs = registry.inGroupVersion(group, version);
    if (defs.isEmpty()) {
      return null;
    }
    ObjectNode o = Json.object().put("openapi", "3.0.0");
    o.putObject("info").put("title", "Kubernetes").put("version", "v1.32.0");
    ObjectNode paths = o.putObject("paths");
    ObjectNode schemas = o.putObject("components").putObject("schemas");
    String base = group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
    for (ResourceDef d : defs) {
      String path =
          d.namespaced()
              ? base + "/namespaces/{namespace}/" + d.plural() + "/{name}"
              : base + "/" + d.plural() + "/{name}";
      ObjectNode patch = paths.putObject(path).putObject("patch");
      patch.put("operationId", "patch" + d.kind());
      patch.put("x-kubernetes-action", "patch");
      gvk(patch.putObject("x-kubernetes-group-version-kind"), d);
      ArrayNode params = patch.putArray("parameters");
      for (String q : List.of("dryRun", "fieldManager", "fieldValidation", "force")) {
        params
            .addObject()
            .put("name", q)
            .put("in", "query")
            .putObject("schema")
            .put("type", "string");
      }
      patch.putObject("responses").putObject("200").put("description", "OK");
      String schemaName = schemaName(d);
      ObjectNode schema = schemas.putObject(schemaName).put("type", "object");
      ArrayNode tags = schema.putArray("x-kubernetes-group-version-kind");
      gvk(tags.addObject(), d);
    }
    return o;
  }

  /**
   * An OpenAPI v2 document with no definitions, in the protobuf form kubectl asks for. kubectl uses
   * v2 only for kinds the v3 documents do not know (it then validates nothing client-side and
   * reports the kind as unknown, as it does against upstream).
   */
  public static byte[] emptyV2Protobuf() {
    byte[] title = "Kubernetes".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] version = "v1.32.0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    java.io.ByteArrayOutputStream info = new java.io.ByteArrayOutputStream();
    info.write(0x0A);
    info.write(title.length);
    info.writeBytes(title);
    info.write(0x12);
    info.write(version.length);
    info.writeBytes(version);
    java.io.ByteArrayOutputStream doc = new java.io.ByteArrayOutputStream();
    doc.write(0x0A);
    doc.write(3);
    doc.writeBytes("2.0".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    doc.write(0x12);
    doc.write(info.size());
    doc.writeBytes(info.toByteArray());
    return doc.toByteArray();
  }

  private static void gvk(ObjectNode o, ResourceDef d) {
    o.put("group", d.group()).put("version", d.version()).put("kind", d.kind());
  }

  static String schemaName(ResourceDef d) {
    String group = d.group().isEmpty() ? "core" : d.group().split("\\.")[0];
    return "io.k8s.api." + group + "." + d.version() + "." + d.kind();
  }
}
