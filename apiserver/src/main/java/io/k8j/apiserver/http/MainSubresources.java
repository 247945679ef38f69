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
      case "patch" -> fields.patch(ex, choice, r, ns, name, sub, dryRun);
      default ->
          throw ApiException.methodNotAllowed(
              "the server does not allow this method on the requested resource");
    }
  }
}
