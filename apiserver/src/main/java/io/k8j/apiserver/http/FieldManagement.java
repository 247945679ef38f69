package io.k8j.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.managedfields.FieldManager;
import io.k8j.apiserver.managedfields.FieldType;
import io.k8j.apiserver.managedfields.ModelFieldTypes;
import io.k8j.apiserver.managedfields.SchemaFieldTypes;
import io.k8j.apiserver.registry.ResourceDef;
import io.k8j.apiserver.registry.ResourceStore;
import io.k8j.apiserver.registry.ServedResource;
import io.k8j.apiserver.registry.validation.FieldError;
import io.k8j.common.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Field management on the write path: who the field manager of a request is ({@code fieldManager},
 * else the User-Agent's product), the managed-fields bookkeeping of creates, updates and patches,
 * and server-side apply ({@code application/apply-patch+yaml}).
 */
public final class FieldManagement {
  public static final String APPLY_PATCH = "application/apply-patch+yaml";
  private static final Logger LOG = LoggerFactory.getLogger(FieldManagement.class);
  private static final int MAX_MANAGER_LENGTH = 128;

  private final FieldManager manager;
  private final FieldValidator fieldValidator;

  public FieldManagement(Clock clock, FieldValidator fieldValidator) {
    this.manager = new FieldManager(clock);
    this.fieldValidator = fieldValidator;
  }

  /** Whether a PATCH with this content type is a server-side apply. */
  static boolean isApply(String contentType) {
    return contentType != null && contentType.split(";")[0].trim().equalsIgnoreCase(APPLY_PATCH);
  }

  /**
   * The field type of a resource's objects: a custom resource's from its CRD's schema, a built-in
   * kind's from its model, else deduced from the values.
   */
  static FieldType fieldType(ResourceDef def) {
    return def.openApiSchema() != null
        ? SchemaFieldTypes.of(def.openApiSchema())
        : ModelFieldTypes.of(def.modelType());
  }

  /** The bookkeeping of a create, update or non-apply patch of {@code subresource} ("" main). */
  public ResourceStore.BeforeWrite updates(
      HttpExchange ex, ResourceDef def, String subresource, String options) {
    if (options.equals("PatchOptions") && ex.query("force") != null) {
      throw invalidOptions(
          options, FieldError.forbidden("force", "may not be specified for non-apply patch"));
    }
    FieldManager.Writer w = writer(ex, def, subresource, managerOf(ex, options, false));
    FieldType type = fieldType(def);
    return (current, next) -> manager.recordUpdate(current, next, type, w);
  }

  /**
   * Serves a PATCH of the main resource ({@code subresource} "") or a subresource: a server-side
   * apply, or a JSON, merge or strategic merge patch recorded as an update.
   */
  public void patch(
      HttpExchange ex,
      Negotiation.Choice choice,
      ServedResource r,
      String ns,
      String name,
      String subresource,
      boolean dryRun) {
    ResourceDef def = r.def();
    byte[] body = ex.body();
    String type = ex.header("Content-Type");
    if (isApply(type)) {
      apply(ex, choice, r, ns, name, subresource, body, dryRun);
      return;
    }
    ResourceStore.UpdateResult u =
        r.store()
            .update(
                ns,
                name,
                subresource.isEmpty() ? null : subresource,
                cur -> {
                  if (cur == null) {
                    throw ApiException.notFound(def.groupResource(), name);
                  }
                  return fieldValidator.check(
                      ex, def, unpinned(cur, Bodies.patch(cur, body, type, def.modelType())));
                },
                dryRun,
                updates(ex, def, subresource, "PatchOptions"));
    Responses.object(ex, choice, def, 200, u.object());
  }

  /**
   * Serves a server-side apply: merges the body into the object (creating it when absent, on the
   * main resource), with conflicts unless {@code force=true}.
   */
  private void apply(
      HttpExchange ex,
      Negotiation.Choice choice,
      ServedResource r,
      String ns,
      String name,
      String subresource,
      byte[] body,
      boolean dryRun) {
    ResourceDef def = r.def();
    String fieldManager = managerOf(ex, "PatchOptions", true);
    FieldManager.Writer w = writer(ex, def, subresource, fieldManager);
    ObjectNode config = fieldValidator.decodeApply(ex, def, body);
    ResourceHandler.checkIdentity(def, config, ns, name);
    if (Json.metadata(config).path("name").asText("").isEmpty()) {
      Json.metadata(config).put("name", name);
    }
    boolean force = ex.queryFlag("force");
    FieldType type = fieldType(def);
    AtomicReference<ObjectNode> applied = new AtomicReference<>();
    ResourceStore.BeforeWrite keepManaged =
        (current, next) -> {
          JsonNode mf = applied.get().path("metadata").get("managedFields");
          if (mf == null) {
            Json.metadata(next).remove("managedFields");
          } else {
            Json.metadata(next).set("managedFields", mf.deepCopy());
          }
        };
    for (int attempt = 0; ; attempt++) {
      try {
        ResourceStore.UpdateResult u =
            r.store()
                .update(
                    ns,
                    name,
                    subresource.isEmpty() ? null : subresource,
                    cur -> {
                      if (cur == null && !subresource.isEmpty()) {
                        throw ApiException.notFound(def.groupResource(), name);
                      }
                      if (cur == null) {
                        throw new Absent();
                      }
                      applied.set(merge(def, cur, config, type, w, force));
                      return config.path("metadata").has("resourceVersion")
                          ? applied.get().deepCopy()
                          : unpinned(cur, applied.get().deepCopy());
                    },
                    dryRun,
                    keepManaged);
        LOG.info("applied {} {}/{} by {}", def.groupResource(), ns, name, fieldManager);
        Responses.object(ex, choice, def, 200, u.object());
        return;
      } catch (Absent e) {
        applied.set(merge(def, null, config, type, w, force));
        try {
          ObjectNode created = r.store().create(ns, applied.get().deepCopy(), dryRun, keepManaged);
          LOG.info("applied {} {}/{} by {} (created)", def.groupResource(), ns, name, fieldManager);
          Responses.object(ex, choice, def, 201, created);
          return;
        } catch (ApiException conflict) {
          if (conflict.code() != 409 || attempt >= 3) {
            throw conflict;
          }
        }
      }
    }
  }

  /**
   * A patch's result without the current resourceVersion it inherited, so that a concurrent write
   * makes the store apply the patch again to the new object instead of failing with a conflict, as
   * upstream retries patches; a resourceVersion the patch itself set is kept as a precondition.
   */
  private static ObjectNode unpinned(ObjectNode current, ObjectNode patched) {
    JsonNode rv = patched.path("metadata").get("resourceVersion");
    if (rv != null && rv.equals(current.path("metadata").get("resourceVersion"))) {
      Json.metadata(patched).remove("resourceVersion");
    }
    return patched;
  }

  private ObjectNode merge(
      ResourceDef def,
      ObjectNode current,
      ObjectNode config,
      FieldType type,
      FieldManager.Writer w,
      boolean force) {
    try {
      return manager.apply(current, config, type, w, force);
    } catch (IllegalArgumentException e) {
      throw new ApiException(
          422,
          "Invalid",
          "failed to create typed patch object ("
              + def.apiVersion()
              + ", Kind="
              + def.kind()
              + "): "
              + e.getMessage(),
          null);
    }
  }

  /** The object is absent: an apply creates it. */
  private static final class Absent extends RuntimeException {
    Absent() {
      super(null, null, false, false);
    }
  }

  private static FieldManager.Writer writer(
      HttpExchange ex, ResourceDef def, String subresource, String fieldManager) {
    return new FieldManager.Writer(fieldManager, def.apiVersion(), subresource, def.hasStatus());
  }

  /**
   * The request's field manager: {@code fieldManager}, else what precedes the first "/" of the
   * User-Agent (printable characters, at most 128), as upstream's {@code managerOrUserAgent}.
   *
   * @param options the options kind errors name (CreateOptions, UpdateOptions, PatchOptions)
   * @param required whether the request must name one (an apply)
   */
  static String managerOf(HttpExchange ex, String options, boolean required) {
    String m = ex.query("fieldManager");
    if (m == null || m.isEmpty()) {
      if (required) {
        throw invalidOptions(
            options, FieldError.required("fieldManager", "is required for apply patch"));
      }
      String ua = ex.header("User-Agent");
      StringBuilder sb = new StringBuilder();
      String product = ua == null ? "" : ua.split("/", 2)[0];
      product
          .codePoints()
          .filter(c -> !Character.isISOControl(c))
          .takeWhile(c -> sb.length() < MAX_MANAGER_LENGTH)
          .forEach(sb::appendCodePoint);
      return sb.toString();
    }
    if (m.length() > MAX_MANAGER_LENGTH) {
      throw invalidOptions(options, FieldError.tooLong("fieldManager", MAX_MANAGER_LENGTH));
    }
    return m;
  }

  private static ApiException invalidOptions(String options, FieldError error) {
    return ApiException.invalid("meta.k8s.io", options, "", List.of(error));
  }
}
