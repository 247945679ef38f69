package io.k8j.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.registry.Cells;
import io.k8j.apiserver.registry.ResourceDef;
import io.k8j.apiserver.registry.ServedResource;

/**
 * The {@code scale} subresource: an {@code autoscaling/v1} Scale view of a workload's replicas,
 * read and written (PUT or merge/JSON patch) without touching the rest of the object. Where the
 * replicas live is the {@link View}'s: {@code spec.replicas} of built-in workloads, the paths a CRD
 * names for custom resources.
 */
public final class ScaleSubresource {
  /** How a kind's objects show as a Scale, and where a new replica count goes. */
  public interface View {
    ObjectNode scale(ObjectNode obj);

    void setReplicas(ObjectNode obj, int replicas);
  }

  /**
   * The built-in workloads: {@code spec.replicas}, {@code status.replicas}, {@code spec.selector}.
   */
  static final View WORKLOADS =
      new View() {
        @Override
        public ObjectNode scale(ObjectNode obj) {
          return ScaleSubresource.scale(obj);
        }

        @Override
        public void setReplicas(ObjectNode obj, int replicas) {
          Json.child(obj, "spec").put("replicas", replicas);
        }
      };

  public void handle(
      HttpExchange ex,
      RequestInfo info,
      Negotiation.Choice choice,
      ServedResource r,
      String ns,
      String name) {
    handle(ex, info, choice, r, ns, name, WORKLOADS);
  }

  /** Serves the scale of one object as {@code view} shows it. */
  public void handle(
      HttpExchange ex,
      RequestInfo info,
      Negotiation.Choice choice,
      ServedResource r,
      String ns,
      String name,
      View view) {
    ResourceDef def = r.def();
    boolean dryRun = "All".equals(ex.query("dryRun"));
    switch (info.verb()) {
      case "get" -> Responses.document(ex, choice, 200, view.scale(r.store().get(ns, name)));
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
                      ObjectNode current = view.scale(cur);
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
                      view.setReplicas(cur, replicas.isMissingNode() ? 0 : replicas.asInt());
                      return cur;
                    },
                    dryRun)
                .object();
        Responses.document(ex, choice, 200, view.scale(result));
      }
      default ->
          throw ApiException.methodNotAllowed(
              "the server does not allow this method on the requested resource");
    }
  }

  /** The Scale of a workload object. */
  static ObjectNode scale(ObjectNode obj) {
    JsonNode sel = obj.path("spec").path("selector");
    String selector =
        sel.has("matchLabels") || sel.has("matchExpressions")
            ? Cells.labelSelector(sel)
            : Cells.selector(sel);
    return scale(
        obj,
        obj.path("spec").path("replicas").asInt(1),
        obj.path("status").path("replicas").asInt(0),
        selector.equals("<none>") ? null : selector);
  }

  /** A Scale of an object with these replica counts and selector (null for none). */
  public static ObjectNode scale(
      ObjectNode obj, int specReplicas, int statusReplicas, String selector) {
    ObjectNode s = Json.object().put("kind", "Scale").put("apiVersion", "autoscaling/v1");
    ObjectNode meta = s.putObject("metadata");
    JsonNode m = obj.path("metadata");
    for (String f :
        java.util.List.of("name", "namespace", "uid", "resourceVersion", "creationTimestamp")) {
      if (m.has(f)) {
        meta.set(f, m.get(f));
      }
    }
    s.putObject("spec").put("replicas", specReplicas);
    ObjectNode status = s.putObject("status").put("replicas", statusReplicas);
    if (selector != null) {
      status.put("selector", selector);
    }
    return s;
  }
}
