package io.k8j.apiserver.openapi;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.registry.ResourceDef;
import io.k8j.apiserver.registry.ResourceRegistry;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The OpenAPI v3 documents: a root listing one document per group-version, each under a URL
 * carrying the hash of its content, and per group-version the schemas of its kinds (tagged with
 * their group-version-kind, as {@code kubectl explain} looks them up) and a PATCH operation per
 * kind that takes the {@code fieldValidation} parameter (so kubectl leaves validation to the
 * server). Custom resources are described by their CRD's schema. A document is built again only
 * when the resources of its group-version change.
 */
public final class OpenApiV3 {
  /** A served document, the hash its URL carries, and the resources it describes. */
  public record Document(ObjectNode body, byte[] bytes, String hash, List<ResourceDef> defs) {}

  private final ResourceRegistry registry;
  private final ComponentSchemas schemas;
  private final Map<String, Document> documents = new ConcurrentHashMap<>();

  public OpenApiV3(ResourceRegistry registry, ComponentSchemas schemas) {
    this.registry = registry;
    this.schemas = schemas;
  }

  /** {@code GET /openapi/v3}. */
  public ObjectNode root() {
    ObjectNode o = Json.object();
    ObjectNode paths = o.putObject("paths");
    for (Map.Entry<String, List<String>> g : registry.groupVersions().entrySet()) {
      for (String v : g.getValue()) {
        String p = path(g.getKey(), v);
        Document doc = document(g.getKey(), v);
        if (doc != null) {
          paths.putObject(p).put("serverRelativeURL", "/openapi/v3/" + p + "?hash=" + doc.hash());
        }
      }
    }
    return o;
  }

  /** {@code GET /openapi/v3/api/v1} or {@code /openapi/v3/apis/<g>/<v>}; null when unknown. */
  public ObjectNode groupVersion(String group, String version) {
    Document d = document(group, version);
    return d == null ? null : d.body();
  }

  /** The document of a group-version with its hash; null when there is no such group-version. */
  public synchronized Document document(String group, String version) {
    List<ResourceDef> defs = registry.inGroupVersion(group, version);
    String key = path(group, version);
    if (defs.isEmpty()) {
      documents.remove(key);
      return null;
    }
    Document d = documents.get(key);
    if (d == null || !d.defs().equals(defs)) {
      ObjectNode body = build(group, version, defs);
      byte[] bytes = Json.bytes(body);
      d = new Document(body, bytes, hash(bytes), defs);
      documents.put(key, d);
    }
    return d;
  }

  /** Builds every document now, so that the first client does not wait for them. */
  public void warmUp() {
    root();
  }

  /** Every schema of every served kind, for the v2 document. */
  public Map<String, ObjectNode> allSchemas() {
    Map<String, ObjectNode> out = new TreeMap<>();
    for (Map.Entry<String, List<String>> g : registry.groupVersions().entrySet()) {
      for (String v : g.getValue()) {
        Document d = document(g.getKey(), v);
        if (d != null) {
          d.body()
              .path("components")
              .path("schemas")
              .properties()
              .forEach(e -> out.putIfAbsent(e.getKey(), (ObjectNode) e.getValue()));
        }
      }
    }
    return out;
  }

  private ObjectNode build(String group, String version, List<ResourceDef> defs) {
    ObjectNode o = Json.object().put("openapi", "3.0.0");
    o.putObject("info").put("title", "Kubernetes").put("version", "v1.32.0");
    ObjectNode paths = o.putObject("paths");
    Map<String, ObjectNode> components = new TreeMap<>();
    String base = group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
    for (ResourceDef d : defs) {
      String schemaName = kindSchema(d, components);
      String item =
          d.namespaced()
              ? base + "/namespaces/{namespace}/" + d.plural() + "/{name}"
              : base + "/" + d.plural() + "/{name}";
      ObjectNode ops = paths.putObject(item);
      ObjectNode get = ops.putObject("get");
      get.put("operationId", "read" + d.kind());
      get.put("x-kubernetes-action", "get");
      gvk(get.putObject("x-kubernetes-group-version-kind"), d);
      get.putObject("responses")
          .putObject("200")
          .put("description", "OK")
          .putObject("content")
          .putObject("application/json")
          .putObject("schema")
          .put("$ref", ComponentSchemas.REF + schemaName);
      ObjectNode patch = ops.putObject("patch");
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
      ObjectNode schema = components.get(schemaName).deepCopy();
      components.put(schemaName, schema);
      gvk(schema.withArray("x-kubernetes-group-version-kind").addObject(), d);
    }
    ObjectNode out = o.putObject("components").putObject("schemas");
    components.forEach(out::set);
    return o;
  }

  /** Adds the schema of a kind (and what it refers to) and returns its name. */
  private String kindSchema(ResourceDef d, Map<String, ObjectNode> components) {
    if (d.openApiSchema() != null) {
      String name = customSchemaName(d);
      ObjectNode schema = d.openApiSchema().deepCopy();
      ObjectNode props = schema.withObject("properties");
      String meta = schemas.add(io.fabric8.kubernetes.api.model.ObjectMeta.class, "v1", components);
      props.putObject("apiVersion").put("type", "string");
      props.putObject("kind").put("type", "string");
      props.putObject("metadata").put("$ref", ComponentSchemas.REF + meta);
      components.put(name, schema);
      return name;
    }
    if (d.modelType() != null) {
      return schemas.add(d.modelType(), d.version(), components);
    }
    String name = schemaName(d);
    components.put(name, Json.object().put("type", "object"));
    return name;
  }

  private static String path(String group, String version) {
    return group.isEmpty() ? "api/" + version : "apis/" + group + "/" + version;
  }

  private static String hash(byte[] bytes) {
    try {
      return HexFormat.of()
          .withUpperCase()
          .formatHex(MessageDigest.getInstance("SHA-512").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void gvk(ObjectNode o, ResourceDef d) {
    o.put("group", d.group()).put("version", d.version()).put("kind", d.kind());
  }

  /** Upstream's name of a custom resource's schema: the group reversed, the version, the kind. */
  static String customSchemaName(ResourceDef d) {
    List<String> parts = new java.util.ArrayList<>(List.of(d.group().split("\\.")));
    java.util.Collections.reverse(parts);
    return String.join(".", parts) + "." + d.version() + "." + d.kind();
  }

  static String schemaName(ResourceDef d) {
    String group = d.group().isEmpty() ? "core" : d.group().split("\\.")[0];
    return "io.k8s.api." + group + "." + d.version() + "." + d.kind();
  }
}
