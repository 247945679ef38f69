package io.k8j.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.registry.Cells;
import io.k8j.apiserver.registry.ResourceDef;
import io.k8j.apiserver.registry.ServedResource;

/**
 * The {@code scale} subresource: an {@code autoscaling/v1} Scale view of a workload's replicas,
 * read and written (PUT or merge/JSON patch) without touching the rest of the object.
 */
public final class ScaleSubresource {
  public void handle(
      HttpExchange ex,
      RequestInfo info,
      Negotiation.Choice choice,
      ServedResource r,
      String ns,
      String name) {
    ResourceDef def = r.def();
    boolean dryRun = "All".equals(ex.query("dryRun"));
    switch (info.verb()) {
      case "get" -> Responses.document(ex, choice, 200, scale(r.store().get(ns, name)));
      case "update", "patch" -> {
        byte[] body = ex.body();
        String type = ex.header("Content-Type");
        boolean put = info.verb().equals("update");
        ObjectNode result =
            r.store()
                .update(
                    ns,
                    name,
                    "scale",
                    cur -> {
                      if (cur == null) {
                        throw ApiException.notFound(def.groupResource(), name);
                      }
                      ObjectNode current = scale(cur);
                      ObjectNode wanted =
                          put ? Bodies.object(body, type) : Bodies.patch(current, body, type, null);
                      JsonNode replicas = wanted.path("spec").path("replicas");
                      if (!replicas.isMissingNode()
                          && (!replicas.isIntegralNumber() || replicas.asLong() < 0)) {
                        throw ApiException.invalid(
                            "autoscaling",
                            "Scale",
                            name,
                            java.util.List.of(
                                io.k8j.apiserver.registry.validation.FieldError.invalid(
                                    "spec.replicas",
                                    replicas.asLong(),
                                    "must be greater than or equal to 0")));
                      }
                      String rv = wanted.path("metadata").path("resourceVersion").asText("");
                      if (put && !rv.isEmpty()) {
                        Json.metadata(cur).put("resourceVersion", rv);
                      } else {
                        Json.metadata(cur).remove("resourceVersion");
                      }
                      Json.child(cur, "spec")
                          .put("replicas", replicas.isMissingNode() ? 0 : replicas.asInt());
                      return cur;
                    },
                    dryRun)
                .object();
        Responses.document(ex, choice, 200, scale(result));
      }
      default ->
          throw ApiException.methodNotAllowed(
              "the server does not allow this method on the requested resource");
    }
  }

  /** The Scale of a workload object. */
  static ObjectNode scale(ObjectNode obj) {
    ObjectNode s = Json.object().put("kind", "Scale").put("apiVersion", "autoscaling/v1");
    ObjectNode meta = s.putObject("metadata");
    JsonNode m = obj.path("metadata");
    for (String f :
        java.util.List.of("name", "namespace", "uid", "resourceVersion", "creationTimestamp")) {
      if (m.has(f)) {
        meta.set(f, m.get(f));
      }
    }
    s.putObject("spec").put("replicas", obj.path("spec").path("replicas").asInt(1));
    ObjectNode status =
        s.putObject("status").put("replicas", obj.path("status").path("replicas").asInt(0));
    JsonNode sel = obj.path("spec").path("selector");
    String selector =
        sel.has("matchLabels") || sel.has("matchExpressions")
            ? Cells.labelSelector(sel)
            : Cells.selector(sel);
    if (!selector.equals("<none>")) {
      status.put("selector", selector);
    }
    return s;
  }
}
