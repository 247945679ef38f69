package io.k8j.apiserver.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.registry.ListResult;
import io.k8j.apiserver.registry.ResourceDef;
import io.k8j.apiserver.registry.TableConvertor;
import java.util.List;

/** Writes objects, lists and Status errors in the negotiated form. */
public final class Responses {
  public static final String JSON = "application/json";
  public static final String YAML = "application/yaml";

  private Responses() {}

  /** Writes a plain document (discovery, version, Status) as JSON or YAML. */
  public static void document(
      HttpExchange ex, Negotiation.Choice choice, int code, ObjectNode doc) {
    if (choice.format() == Negotiation.Format.YAML) {
      ex.send(code, YAML, Json.yamlBytes(doc));
    } else {
      ex.send(code, JSON, Json.bytes(doc));
    }
  }

  public static void status(HttpExchange ex, ApiException e) {
    if (e.code() == 429) {
      ex.setHeader("Retry-After", "1");
    }
    ex.send(e.code(), JSON, Json.bytes(e.toStatus()));
  }

  /** One object of a resource, as itself, a one-row Table or its metadata. */
  public static void object(
      HttpExchange ex, Negotiation.Choice choice, ResourceDef def, int code, ObjectNode obj) {
    switch (choice.format()) {
      case TABLE ->
          document(
              ex,
              choice,
              code,
              TableConvertor.table(
                  def,
                  List.of(obj),
                  choice.version(),
                  obj.path("metadata").path("resourceVersion").asText(null),
                  null,
                  ex.query("includeObject")));
      case PARTIAL_METADATA ->
          document(ex, choice, code, TableConvertor.partial(obj, choice.version()));
      default -> document(ex, choice, code, obj);
    }
  }

  /** A list of a resource, as a {@code <Kind>List}, a Table or a PartialObjectMetadataList. */
  public static void list(
      HttpExchange ex, Negotiation.Choice choice, ResourceDef def, ListResult result) {
    String rv = Long.toString(result.revision());
    switch (choice.format()) {
      case TABLE ->
          document(
              ex,
              choice,
              200,
              TableConvertor.table(
                  def,
                  result.items(),
                  choice.version(),
                  rv,
                  result.continueToken(),
                  ex.query("includeObject")));
      case PARTIAL_METADATA -> {
        ObjectNode l =
            listShell("PartialObjectMetadataList", "meta.k8s.io/" + choice.version(), result);
        ArrayNode items = l.putArray("items");
        result.items().forEach(o -> items.add(TableConvertor.partial(o, choice.version())));
        document(ex, choice, 200, l);
      }
      default -> {
        ObjectNode l = listShell(def.kind() + "List", def.apiVersion(), result);
        ArrayNode items = l.putArray("items");
        result.items().forEach(items::add);
        document(ex, choice, 200, l);
      }
    }
  }

  private static ObjectNode listShell(String kind, String apiVersion, ListResult result) {
    ObjectNode l = Json.object();
    l.put("kind", kind).put("apiVersion", apiVersion);
    ObjectNode meta = l.putObject("metadata");
    meta.put("resourceVersion", Long.toString(result.revision()));
    if (result.continueToken() != null) {
      meta.put("continue", result.continueToken());
      if (result.remainingItemCount() >= 0) {
        meta.put("remainingItemCount", result.remainingItemCount());
      }
    }
    return l;
  }

  /** A Status of success, as a delete of a kind that does not return the object answers. */
  public static ObjectNode success(ResourceDef def, String name, String uid) {
    ObjectNode s = Json.object();
    s.put("kind", "Status").put("apiVersion", "v1");
    s.putObject("metadata");
    s.put("status", "Success");
    ObjectNode d = s.putObject("details");
    d.put("name", name);
    if (!def.group().isEmpty()) {
      d.put("group", def.group());
    }
    d.put("kind", def.plural());
    if (uid != null) {
      d.put("uid", uid);
    }
    return s;
  }
}
