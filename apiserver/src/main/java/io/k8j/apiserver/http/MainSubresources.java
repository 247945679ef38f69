package io.k8j.apiserver.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.registry.ResourceDef;
import io.k8j.apiserver.registry.ResourceStore;
import io.k8j.apiserver.registry.ServedResource;

/**
 * The {@code status} and {@code finalize} subresources: the same object, read whole, written only
 * in its status (or a namespace's spec.finalizers).
 */
public final class MainSubresources {
  private final FieldValidator fieldValidator;
  private final FieldManagement fields;

  public MainSubresources(FieldValidator fieldValidator, FieldManagement fields) {
    this.fieldValidator = fieldValidator;
    this.fields = fields;
  }

  public void handle(
      HttpExchange ex,
      RequestInfo info,
      Negotiation.Choice choice,
      ServedResource r,
      String ns,
      String name) {
    ResourceDef def = r.def();
    boolean dryRun = "All".equals(ex.query("dryRun"));
    String sub = info.subresource();
    switch (info.verb()) {
      case "get" -> Responses.object(ex, choice, def, 200, r.store().get(ns, name));
      case "update" -> {
        ObjectNode obj = fieldValidator.decode(ex, def, ex.body());
        ResourceHandler.checkIdentity(def, obj, ns, name);
        ResourceStore.UpdateResult u =
            r.store()
                .update(
                    ns,
                    name,
                    sub,
                    cur -> obj,
                    dryRun,
                    fields.updates(ex, def, sub, "UpdateOptions"));
        Responses.object(ex, choice, def, 200, u.object());
      }
      case "patch" -> {
        byte[] body = ex.body();
        String type = ex.header("Content-Type");
        if (FieldManagement.isApply(type)) {
          fields.apply(ex, choice, r, ns, name, sub, body, dryRun);
          return;
        }
        ResourceStore.BeforeWrite managed = fields.updates(ex, def, sub, "PatchOptions");
        ResourceStore.UpdateResult u =
            r.store()
                .update(
                    ns,
                    name,
                    sub,
                    cur -> {
                      if (cur == null) {
                        throw ApiException.notFound(def.groupResource(), name);
                      }
                      return fieldValidator.check(
                          ex,
                          def,
                          FieldManagement.unpinned(
                              cur, Bodies.patch(cur, body, type, def.modelType())));
                    },
                    dryRun,
                    managed);
        Responses.object(ex, choice, def, 200, u.object());
      }
      default ->
          throw ApiException.methodNotAllowed(
              "the server does not allow this method on the requested resource");
    }
  }
}
