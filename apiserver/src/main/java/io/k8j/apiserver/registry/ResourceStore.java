package io.k8j.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.admission.AdmissionChain;
import io.k8j.apiserver.admission.AdmissionRequest;
import io.k8j.apiserver.admission.RequestContext;
import io.k8j.apiserver.http.ApiException;
import io.k8j.apiserver.registry.validation.FieldError;
import io.k8j.apiserver.registry.validation.ObjectMetaValidation;
import io.k8j.common.Clock;
import io.k8j.store.KeyValue;
import io.k8j.store.LeaseId;
import io.k8j.store.Store;
import io.k8j.store.WriteResult;
import java.security.SecureRandom;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Generic storage of one resource over the store, as upstream's {@code registry/generic/registry}
 * Store: server-owned metadata, optimistic concurrency, the status/main split, graceful deletion
 * and finalizers. Kind-specific behaviour comes from the resource's {@link Strategy}.
 */
public final class ResourceStore {
  private static final String NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A last look at an object about to be written: {@code current} is null on create. */
  @FunctionalInterface
  public interface BeforeWrite {
    void accept(ObjectNode current, ObjectNode next);
  }

  private static final BeforeWrite NO_HOOK = (current, next) -> {};

  /** The outcome of an update: the object, and whether the update created it. */
  public record UpdateResult(ObjectNode object, boolean created) {}

  /** The outcome of a delete: the object, and whether it is gone (false: only marked). */
  public record DeleteResult(ObjectNode object, boolean deleted) {}

  private final ResourceDef def;
  private final Store store;
  private final Clock clock;
  private final NamespaceLifecycle namespaces;
  private final Leases leases;
  private final AdmissionChain admission;

  public ResourceStore(
      ResourceDef def, Store store, Clock clock, NamespaceLifecycle namespaces, Leases leases) {
    this(def, store, clock, namespaces, leases, AdmissionChain.NONE);
  }

  /** A store whose writes go through {@code admission} (mutating, then validating). */
  public ResourceStore(
      ResourceDef def,
      Store store,
      Clock clock,
      NamespaceLifecycle namespaces,
      Leases leases,
      AdmissionChain admission) {
    this.def = def;
    this.store = store;
    this.clock = clock;
    this.namespaces = namespaces;
    this.leases = leases;
    this.admission = admission;
  }

  public ResourceDef def() {
    return def;
  }

  /** The object as stored now (a consistent read). */
  public ObjectNode get(String namespace, String name) {
    KeyValue kv = store.get(def.key(namespace, name));
    if (kv == null) {
      throw ApiException.notFound(def.groupResource(), name);
    }
    return read(kv);
  }

  /** Creates an object in {@code namespace} (ignored for cluster-scoped resources). */
  public ObjectNode create(String namespace, ObjectNode obj, boolean dryRun) {
    return create(namespace, obj, dryRun, NO_HOOK);
  }

  /**
   * Creates an object; {@code beforeWrite} sees it (with a null current object) once it is
   * defaulted and valid, just before it is stored, and may still change it (managed fields).
   */
  public ObjectNode create(
      String namespace, ObjectNode obj, boolean dryRun, BeforeWrite beforeWrite) {
    ObjectNode meta = Json.metadata(obj);
    obj.put("kind", def.kind()).put("apiVersion", def.apiVersion());
    if (def.namespaced()) {
      meta.put("namespace", namespace);
    } else {
      meta.remove("namespace");
    }
    boolean generated =
        meta.path("name").asText("").isEmpty() && !meta.path("generateName").asText("").isEmpty();
    def.strategy().prepareForCreate(obj);
    meta.remove(
        List.of("resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"));
    meta.put("uid", UUID.randomUUID().toString());
    meta.put("creationTimestamp", now());
    if (def.strategy().tracksGeneration()) {
      meta.put("generation", 1);
    } else {
      meta.remove("generation");
    }
    def.strategy().applyDefaults(obj);
    for (int attempt = 0; ; attempt++) {
      if (generated) {
        meta.put("name", meta.path("generateName").asText() + randomSuffix());
      }
      String name = meta.path("name").asText("");
      AdmissionRequest request =
          new AdmissionRequest(
              AdmissionRequest.Operation.CREATE,
              def,
              "",
              namespace,
              name,
              obj,
              null,
              RequestContext.user(),
              dryRun);
      if (attempt == 0) {
        admission.admit(request);
        def.strategy().applyDefaults(obj);
      }
      omitEmpty(Json.metadata(obj));
      validateCreate(obj, name);
      beforeWrite.accept(null, obj);
      if (def.namespaced()) {
        namespaces.checkCreate(def.groupResource(), namespace, name);
      }
      admission.validate(request);
      if (dryRun) {
        return obj;
      }
      if (store.get(def.key(namespace, name)) != null) {
        if (generated && attempt < 3) {
          continue;
        }
        throw ApiException.alreadyExists(def.groupResource(), name);
      }
      def.strategy().reserve(obj, null);
      WriteResult r;
      try {
        r = createInStore(def.key(namespace, name), write(obj));
      } catch (RuntimeException e) {
        def.strategy().release(obj, null);
        throw e;
      }
      if (r.succeeded()) {
        meta.put("resourceVersion", r.revision().toString());
        return obj;
      }
      def.strategy().release(obj, null);
      if (!generated || attempt >= 3) {
        throw ApiException.alreadyExists(def.groupResource(), name);
      }
    }
  }

  private WriteResult createInStore(String key, byte[] bytes) {
    if (def.ttl() == null) {
      return store.create(key, bytes, LeaseId.NONE);
    }
    LeaseId lease = leases.leaseFor(def.ttl());
    try {
      return store.create(key, bytes, lease);
    } catch (io.k8j.store.LeaseNotFoundException e) {
      leases.invalidate(lease);
      return store.create(key, bytes, leases.leaseFor(def.ttl()));
    }
  }

  private void validateCreate(ObjectNode obj, String name) {
    List<FieldError> errs =
        new ArrayList<>(
            ObjectMetaValidation.validate(obj, def.namespaced(), def.strategy().nameRule()));
    errs.addAll(def.strategy().validate(obj));
    if (!errs.isEmpty()) {
      throw ApiException.invalid(def.group(), def.kind(), name, errs);
    }
  }

  /**
   * Updates an object (PUT or PATCH) or its status.
   *
   * @param change computes the new object from the current one (null when absent); it may throw
   * @param subresource null for the main resource; "status" or "finalize" to write only those; any
   *     other name for the server's own writes (binding, scale), taken as computed
   */
  public UpdateResult update(
      String namespace,
      String name,
      String subresource,
      UnaryOperator<ObjectNode> change,
      boolean dryRun) {
    return update(namespace, name, subresource, change, dryRun, NO_HOOK);
  }

  /**
   * Updates an object as {@link #update(String, String, String, UnaryOperator, boolean)} does;
   * {@code beforeWrite} sees the current and the next object once the next one is defaulted and
   * valid, just before it is stored (or created, with a null current object).
   */
  public UpdateResult update(
      String namespace,
      String name,
      String subresource,
      UnaryOperator<ObjectNode> change,
      boolean dryRun,
      BeforeWrite beforeWrite) {
    String key = def.key(namespace, name);
    while (true) {
      KeyValue kv = store.get(key);
      ObjectNode current = kv == null ? null : read(kv);
      ObjectNode updated = change.apply(current == null ? null : current.deepCopy());
      ObjectNode meta = Json.metadata(updated);
      String expected = meta.path("resourceVersion").asText("");
      if (current == null) {
        if (def.allowCreateOnUpdate() && subresource == null && expected.isEmpty()) {
          return new UpdateResult(create(namespace, updated, dryRun, beforeWrite), true);
        }
        throw ApiException.notFound(def.groupResource(), name);
      }
      if (!expected.isEmpty() && !expected.equals(kv.modRevision().toString())) {
        throw ApiException.modified(def.groupResource(), name);
      }
      ObjectNode next = prepareUpdate(namespace, name, subresource, updated, current, dryRun);
      beforeWrite.accept(current, next);
      if (shouldDeleteDuringUpdate(next)) {
        if (dryRun) {
          return new UpdateResult(next, false);
        }
        WriteResult d = store.delete(key, kv.modRevision());
        if (d.succeeded()) {
          def.strategy().release(current, null);
          Json.metadata(next).put("resourceVersion", d.revision().toString());
          return new UpdateResult(next, false);
        }
        continue;
      }
      byte[] bytes = write(next);
      boolean stale =
          store instanceof io.k8j.apiserver.encryption.EncryptingStore e && e.isStale(kv);
      if (dryRun && !Json.metadata(next).has("resourceVersion")) {
        Json.metadata(next).put("resourceVersion", kv.modRevision().toString());
      }
      if (Arrays.equals(bytes, write(current)) && !stale || dryRun) {
        return new UpdateResult(dryRun ? next : current, false);
      }
      def.strategy().reserve(next, current);
      WriteResult r = store.update(key, bytes, kv.modRevision(), kv.lease());
      if (r.succeeded()) {
        def.strategy().release(current, next);
        Json.metadata(next).put("resourceVersion", r.revision().toString());
        return new UpdateResult(next, false);
      }
      def.strategy().release(next, current);
      if (!expected.isEmpty()) {
        throw ApiException.modified(def.groupResource(), name);
      }
    }
  }

  private ObjectNode prepareUpdate(
      String namespace,
      String name,
      String subresource,
      ObjectNode updated,
      ObjectNode current,
      boolean dryRun) {
    ObjectNode next;
    if ("finalize".equals(subresource)) {
      next = current.deepCopy();
      JsonNode finalizers = updated.path("spec").path("finalizers");
      Json.child(next, "spec")
          .set(
              "finalizers",
              finalizers.isArray() ? finalizers.deepCopy() : Json.object().arrayNode());
    } else if ("status".equals(subresource)) {
      // as upstream's status strategies: the status and metadata come from the request, every
      // other part (spec, data, ...) stays as stored
      next = updated;
      next.put("kind", def.kind()).put("apiVersion", def.apiVersion());
      next.retain("metadata", "status", "kind", "apiVersion");
      for (Map.Entry<String, JsonNode> e : current.properties()) {
        if (!e.getKey().equals("metadata") && !e.getKey().equals("status")) {
          next.set(e.getKey(), e.getValue().deepCopy());
        }
      }
      if (!next.path("metadata").isObject()) {
        next.set("metadata", current.path("metadata").deepCopy());
      }
      def.strategy().prepareForStatusUpdate(next, current);
    } else if (subresource != null) {
      next = updated;
    } else {
      next = updated;
      next.put("kind", def.kind()).put("apiVersion", def.apiVersion());
      if (def.hasStatus()) {
        setOrRemove(next, "status", current.get("status"));
      }
      def.strategy().prepareForUpdate(next, current);
    }
    AdmissionRequest request =
        new AdmissionRequest(
            AdmissionRequest.Operation.UPDATE,
            def,
            subresource,
            namespace,
            name,
            next,
            current,
            RequestContext.user(),
            dryRun);
    admission.admit(request);
    ObjectNode meta = Json.metadata(next);
    ObjectNode oldMeta = Json.metadata(current);
    String newName = meta.path("name").asText("");
    if (!newName.isEmpty() && !newName.equals(name)) {
      throw ApiException.badRequest(
          "the name of the object ("
              + newName
              + ") does not match the name on the URL ("
              + name
              + ")");
    }
    meta.put("name", name);
    if (def.namespaced()) {
      meta.put("namespace", namespace);
    }
    for (String owned :
        List.of("uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds")) {
      setOrRemove(meta, owned, oldMeta.get(owned));
    }
    if (oldMeta.has("deletionTimestamp") && addsFinalizer(meta, oldMeta)) {
      throw ApiException.invalid(
          def.group(),
          def.kind(),
          name,
          List.of(
              FieldError.forbidden(
                  "metadata.finalizers",
                  "no new finalizers can be added if the object is being deleted")));
    }
    def.strategy().applyDefaults(next);
    omitEmpty(meta);
    // the spec is compared as stored: a field left out of the request and defaulted back is no
    // change
    if (def.strategy().tracksGeneration()) {
      long gen = oldMeta.path("generation").asLong(1);
      boolean specChanged =
          !Objects.equals(withoutMetaAndStatus(next), withoutMetaAndStatus(current));
      meta.put("generation", specChanged ? gen + 1 : gen);
    } else {
      setOrRemove(meta, "generation", oldMeta.get("generation"));
    }
    List<FieldError> errs =
        new ArrayList<>(
            ObjectMetaValidation.validate(next, def.namespaced(), def.strategy().nameRule()));
    errs.addAll(def.strategy().validateUpdate(next, current));
    if (!errs.isEmpty()) {
      throw ApiException.invalid(def.group(), def.kind(), name, errs);
    }
    admission.validate(request);
    return next;
  }

  /**
   * Leaves out the metadata lists and maps a patch or apply left empty (the last label, annotation,
   * finalizer or owner removed), as upstream's typed objects omit them when empty.
   */
  static void omitEmpty(ObjectNode meta) {
    for (String field : List.of("labels", "annotations", "finalizers", "ownerReferences")) {
      JsonNode v = meta.get(field);
      if (v != null && (v.isNull() || v.isContainerNode() && v.isEmpty())) {
        meta.remove(field);
      }
    }
  }

  private static boolean addsFinalizer(ObjectNode meta, ObjectNode oldMeta) {
    List<String> before = strings(oldMeta.path("finalizers"));
    for (String f : strings(meta.path("finalizers"))) {
      if (!before.contains(f)) {
        return true;
      }
    }
    return false;
  }

  private boolean shouldDeleteDuringUpdate(ObjectNode obj) {
    JsonNode meta = obj.path("metadata");
    return meta.has("deletionTimestamp")
        && strings(meta.path("finalizers")).isEmpty()
        && meta.path("deletionGracePeriodSeconds").asLong(0) == 0
        && !def.strategy().pendingDeletion(obj);
  }

  /** Deletes an object, or marks it for deletion when it has a grace period or finalizers. */
  public DeleteResult delete(String namespace, String name, DeleteOptions options) {
    String key = def.key(namespace, name);
    while (true) {
      KeyValue kv = store.get(key);
      if (kv == null) {
        throw ApiException.notFound(def.groupResource(), name);
      }
      ObjectNode current = read(kv);
      ObjectNode meta = Json.metadata(current);
      checkPreconditions(options, meta, name);
      admission.validate(
          new AdmissionRequest(
              AdmissionRequest.Operation.DELETE,
              def,
              "",
              namespace,
              name,
              current,
              current,
              RequestContext.user(),
              options.dryRun()));
      long grace =
          Math.max(0, def.strategy().gracePeriodSeconds(current, options.gracePeriodSeconds()));
      List<String> finalizers = new ArrayList<>(strings(meta.path("finalizers")));
      if ("Foreground".equals(options.propagationPolicy())
          && !finalizers.contains("foregroundDeletion")) {
        finalizers.add("foregroundDeletion");
      } else if ("Orphan".equals(options.propagationPolicy()) && !finalizers.contains("orphan")) {
        finalizers.add("orphan");
      }
      boolean marked = meta.has("deletionTimestamp");
      boolean mustWait =
          !finalizers.isEmpty() || grace > 0 || def.strategy().pendingDeletion(current);
      if (mustWait) {
        ObjectNode next = current.deepCopy();
        ObjectNode nmeta = Json.metadata(next);
        long currentGrace = nmeta.path("deletionGracePeriodSeconds").asLong(Long.MAX_VALUE);
        if (!marked || grace < currentGrace) {
          nmeta.put("deletionTimestamp", now(grace));
          nmeta.put("deletionGracePeriodSeconds", grace);
        }
        if (!marked) {
          ArrayNode f = nmeta.putArray("finalizers");
          finalizers.forEach(f::add);
          if (finalizers.isEmpty()) {
            nmeta.remove("finalizers");
          }
          def.strategy().markForDeletion(next);
        }
        if (options.dryRun() || next.equals(current)) {
          return new DeleteResult(current, false);
        }
        WriteResult r = store.update(key, write(next), kv.modRevision(), kv.lease());
        if (r.succeeded()) {
          nmeta.put("resourceVersion", r.revision().toString());
          return new DeleteResult(next, false);
        }
        continue;
      }
      if (options.dryRun()) {
        return new DeleteResult(current, true);
      }
      WriteResult r = store.delete(key, kv.modRevision());
      if (r.succeeded()) {
        def.strategy().release(current, null);
        meta.put("resourceVersion", r.revision().toString());
        return new DeleteResult(current, true);
      }
    }
  }

  private void checkPreconditions(DeleteOptions options, ObjectNode meta, String name) {
    String uid = meta.path("uid").asText("");
    if (options.preconditionUid() != null && !options.preconditionUid().equals(uid)) {
      throw ApiException.conflict(
          def.groupResource(),
          name,
          "Precondition failed: UID in precondition: "
              + options.preconditionUid()
              + ", UID in object meta: "
              + uid);
    }
    String rv = meta.path("resourceVersion").asText("");
    if (options.preconditionResourceVersion() != null
        && !options.preconditionResourceVersion().equals(rv)) {
      throw ApiException.conflict(
          def.groupResource(),
          name,
          "Precondition failed: ResourceVersion in precondition: "
              + options.preconditionResourceVersion()
              + ", ResourceVersion in object meta: "
              + rv);
    }
  }

  private ObjectNode read(KeyValue kv) {
    return def.converter().fromStorage(ObjectCodec.decode(kv));
  }

  private byte[] write(ObjectNode obj) {
    return ObjectCodec.encode(def.converter().toStorage(obj));
  }

  private String now() {
    return clock.now().truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private String now(long plusSeconds) {
    return clock.now().plusSeconds(plusSeconds).truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private static String randomSuffix() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      sb.append(NAME_CHARS.charAt(RANDOM.nextInt(NAME_CHARS.length())));
    }
    return sb.toString();
  }

  private static ObjectNode withoutMetaAndStatus(ObjectNode obj) {
    ObjectNode c = obj.deepCopy();
    c.remove(List.of("metadata", "status", "kind", "apiVersion"));
    return c;
  }

  private static void setOrRemove(ObjectNode target, String field, JsonNode value) {
    if (value == null || value.isMissingNode()) {
      target.remove(field);
    } else {
      target.set(field, value.deepCopy());
    }
  }

  static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    if (array.isArray()) {
      array.forEach(n -> out.add(n.asText()));
    }
    return out;
  }
}
