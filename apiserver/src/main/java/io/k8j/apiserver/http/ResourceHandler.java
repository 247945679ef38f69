package io.k8j.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.registry.DeleteOptions;
import io.k8j.apiserver.registry.ListOptions;
import io.k8j.apiserver.registry.ListResult;
import io.k8j.apiserver.registry.ResourceDef;
import io.k8j.apiserver.registry.ResourceStore;
import io.k8j.apiserver.registry.ServedResource;
import io.k8j.apiserver.registry.selection.FieldSelector;
import io.k8j.apiserver.registry.selection.LabelSelector;
import java.util.Map;
import java.util.function.Function;

/** Serves the verbs of resource requests over a resource's storage. */
public final class ResourceHandler {
  private final Function<RequestInfo, ServedResource> resources;
  private final WatchStreamer watches;
  private final Map<String, SubresourceHandler> subresources;
  private final FieldValidator fieldValidator;
  private final FieldManagement fields;

  public ResourceHandler(
      Function<RequestInfo, ServedResource> resources,
      WatchStreamer watches,
      Map<String, SubresourceHandler> subresources,
      FieldValidator fieldValidator,
      FieldManagement fields) {
    this.resources = resources;
    this.watches = watches;
    this.subresources = subresources;
    this.fieldValidator = fieldValidator;
    this.fields = fields;
  }

  public void handle(HttpExchange ex, RequestInfo info, Negotiation.Choice choice) {
    ServedResource r = resources.apply(info);
    if (r == null) {
      throw ApiException.notFoundPath();
    }
    ResourceDef def = r.def();
    String ns = def.namespaced() ? info.namespace() : "";
    String name = info.name();
    if (def.plural().equals("namespaces")) {
      ns = "";
    } else if (!def.namespaced() && !info.namespace().isEmpty()) {
      throw ApiException.notFoundPath();
    }
    if (info.subresource().isEmpty() && !def.verbs().contains(info.verb())) {
      throw ApiException.methodNotAllowed(
          "the server does not allow this method on the requested resource");
    }
    boolean needsNamespace =
        def.namespaced()
            && !(info.verb().equals("list") || info.verb().equals("watch"))
            && ns.isEmpty();
    if (needsNamespace) {
      throw ApiException.notFoundPath();
    }
    if (!info.subresource().isEmpty()) {
      SubresourceHandler sub = subresources.get(def.plural() + "/" + info.subresource());
      if (sub == null
          || def.subresource(info.subresource()).isEmpty()
              && !info.subresource().equals("finalize")) {
        throw ApiException.notFoundPath();
      }
      sub.handle(ex, info, choice, r, ns, name);
      return;
    }
    boolean dryRun = "All".equals(ex.query("dryRun"));
    switch (info.verb()) {
      case "get" -> {
        ObjectNode obj;
        if ("0".equals(ex.query("resourceVersion"))) {
          ObjectNode cached = r.cache().get(def.key(ns, name));
          if (cached == null) {
            throw ApiException.notFound(def.groupResource(), name);
          }
          obj = def.converter().fromStorage(cached);
        } else {
          obj = r.store().get(ns, name);
        }
        Responses.object(ex, choice, def, 200, obj);
      }
      case "list" -> {
        ListResult result = r.lister().list(ns, listOptions(ex, def));
        Responses.list(ex, choice, def, result);
      }
      case "watch" -> watches.serve(ex, choice, r, ns, name, listOptions(ex, def));
      case "create" -> {
        ObjectNode obj = fieldValidator.decode(ex, def, ex.body());
        checkIdentity(def, obj, ns, null);
        ObjectNode created =
            r.store().create(ns, obj, dryRun, fields.updates(ex, def, "", "CreateOptions"));
        Responses.object(ex, choice, def, 201, created);
      }
      case "update" -> {
        ObjectNode obj = fieldValidator.decode(ex, def, ex.body());
        checkIdentity(def, obj, ns, name);
        ResourceStore.UpdateResult u =
            r.store()
                .update(
                    ns,
                    name,
                    null,
                    cur -> obj,
                    dryRun,
                    fields.updates(ex, def, "", "UpdateOptions"));
        Responses.object(ex, choice, def, u.created() ? 201 : 200, u.object());
      }
      case "patch" -> {
        io.k8j.apiserver.crd.CustomResources.checkPatchType(def, ex.header("Content-Type"));
        fields.patch(ex, choice, r, ns, name, "", dryRun);
      }
      case "delete" -> {
        DeleteOptions opts = deleteOptions(ex, dryRun);
        ResourceStore.DeleteResult d = r.store().delete(ns, name, opts);
        if (!d.deleted() || def.returnDeletedObject()) {
          Responses.object(ex, choice, def, 200, d.object());
        } else {
          Responses.document(
              ex,
              choice,
              200,
              Responses.success(def, name, d.object().path("metadata").path("uid").asText(null)));
        }
      }
      case "deletecollection" -> {
        DeleteOptions opts = deleteOptions(ex, dryRun);
        ListResult listed = r.lister().list(ns, listOptions(ex, def));
        ObjectNode out =
            Json.object().put("kind", def.kind() + "List").put("apiVersion", def.apiVersion());
        out.putObject("metadata");
        ArrayNode items = out.putArray("items");
        for (ObjectNode o : listed.items()) {
          String n = o.path("metadata").path("name").asText();
          String ons = o.path("metadata").path("namespace").asText("");
          try {
            items.add(r.store().delete(ons, n, opts).object());
          } catch (ApiException e) {
            if (e.code() != 404) {
              throw e;
            }
          }
        }
        Responses.document(ex, choice, 200, out);
      }
      default ->
          throw ApiException.methodNotAllowed(
              "the server does not allow this method on the requested resource");
    }
  }

  /**
   * The body's kind, apiVersion and namespace must agree with the request; missing ones are the
   * endpoint's, as upstream's decoder defaults them.
   */
  static void checkIdentity(ResourceDef def, ObjectNode obj, String ns, String name) {
    String kind = obj.path("kind").asText("");
    String apiVersion = obj.path("apiVersion").asText("");
    if (kind.isEmpty()) {
      kind = def.kind();
      obj.put("kind", kind);
    }
    if (apiVersion.isEmpty()) {
      obj.put("apiVersion", def.apiVersion());
    }
    if (!kind.equals(def.kind()) || !apiVersion.isEmpty() && !apiVersion.equals(def.apiVersion())) {
      String version =
          apiVersion.contains("/") ? apiVersion.substring(apiVersion.indexOf('/') + 1) : apiVersion;
      throw ApiException.badRequest(
          kind
              + " in version \""
              + version
              + "\" cannot be handled as a "
              + def.kind()
              + ": no kind \""
              + kind
              + "\" is registered for version \""
              + apiVersion
              + "\" in scheme \"k8s.io/kubernetes/pkg/api/legacyscheme/scheme.go:30\"");
    }
    String objName = obj.path("metadata").path("name").asText("");
    if (name != null && !objName.isEmpty() && !objName.equals(name)) {
      throw ApiException.badRequest(
          "the name of the object ("
              + objName
              + ") does not match the name on the URL ("
              + name
              + ")");
    }
    String objNs = obj.path("metadata").path("namespace").asText("");
    if (def.namespaced() && !objNs.isEmpty() && !objNs.equals(ns)) {
      throw ApiException.badRequest(
          "the namespace of the provided object does not match the namespace sent on the request");
    }
  }

  static ListOptions listOptions(HttpExchange ex, ResourceDef def) {
    LabelSelector labels;
    FieldSelector fields;
    String l = ex.query("labelSelector");
    String f = ex.query("fieldSelector");
    try {
      labels = LabelSelector.parse(l);
      fields = FieldSelector.parse(f, def.fields());
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    }
    return new ListOptions(
        labels,
        fields,
        ex.query("resourceVersion"),
        ex.query("resourceVersionMatch"),
        longParam(ex, "limit"),
        ex.query("continue"),
        ex.queryFlag("allowWatchBookmarks"),
        longParam(ex, "timeoutSeconds"));
  }

  private static long longParam(HttpExchange ex, String name) {
    String v = ex.query(name);
    if (v == null || v.isEmpty()) {
      return 0;
    }
    try {
      return Math.max(0, Long.parseLong(v));
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("invalid " + name + ": " + v);
    }
  }

  static DeleteOptions deleteOptions(HttpExchange ex, boolean dryRun) {
    byte[] body = ex.body();
    JsonNode opts = body.length == 0 ? Json.object() : Bodies.tree(body, ex.header("Content-Type"));
    ObjectNode merged = opts.isObject() ? (ObjectNode) opts : Json.object();
    if (ex.query("gracePeriodSeconds") != null) {
      merged.put("gracePeriodSeconds", longParam(ex, "gracePeriodSeconds"));
    }
    if (ex.query("propagationPolicy") != null) {
      merged.put("propagationPolicy", ex.query("propagationPolicy"));
    }
    if (ex.query("orphanDependents") != null) {
      merged.put("orphanDependents", ex.queryFlag("orphanDependents"));
    }
    return DeleteOptions.from(merged, dryRun);
  }
}
