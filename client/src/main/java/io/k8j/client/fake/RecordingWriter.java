package io.k8j.client.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.k8j.client.ApiErrors;
import io.k8j.client.DeepCopy;
import io.k8j.client.Deletion;
import io.k8j.client.ObjectReader;
import io.k8j.client.ObjectWriter;
import io.k8j.common.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * An {@link ObjectWriter} that records every write and, unless told not to, applies it to the
 * {@link FakeInformers} as the API server and a watch would (uids, resourceVersions, generations,
 * conflicts, status and finalize subresources, finalizers holding a delete back).
 */
public final class RecordingWriter implements ObjectWriter, ObjectReader {
  /** One write. {@code object} is what was sent (a copy); {@code patch} for patches. */
  public record Action(
      String verb,
      String kind,
      String namespace,
      String name,
      String subresource,
      HasMetadata object,
      String patch,
      Deletion deletion) {
    @Override
    public String toString() {
      return verb
          + (subresource == null ? "" : "/" + subresource)
          + " "
          + kind
          + " "
          + (namespace == null || namespace.isEmpty() ? "" : namespace + "/")
          + name;
    }
  }

  private final FakeInformers caches;
  private final Clock clock;
  private final List<Action> actions = new ArrayList<>();
  private final List<Function<Action, RuntimeException>> reactors = new ArrayList<>();
  private boolean applyToCaches = true;
  private long nextRevision = 1000;
  private int nextName;

  public RecordingWriter(FakeInformers caches, Clock clock) {
    this.caches = caches;
    this.clock = clock;
  }

  /** With false, writes are recorded only: the caches lag behind, as a slow watch would. */
  public synchronized RecordingWriter applyToCaches(boolean apply) {
    this.applyToCaches = apply;
    return this;
  }

  /** A reactor sees each write first; when it returns an exception, the write fails with it. */
  public synchronized RecordingWriter react(Function<Action, RuntimeException> reactor) {
    reactors.add(reactor);
    return this;
  }

  public synchronized List<Action> actions() {
    return List.copyOf(actions);
  }

  /** The writes as {@code "verb[/subresource] Kind namespace/name"}. */
  public synchronized List<String> log() {
    return actions.stream().map(Action::toString).toList();
  }

  public synchronized List<Action> actions(String verb, String kind) {
    return actions.stream().filter(a -> a.verb.equals(verb) && a.kind.equals(kind)).toList();
  }

  public synchronized void clear() {
    actions.clear();
  }

  private void record(Action a) {
    actions.add(a);
    for (var r : reactors) {
      RuntimeException e = r.apply(a);
      if (e != null) {
        throw e;
      }
    }
  }

  @SuppressWarnings("unchecked")
  private <T extends HasMetadata> FakeInformer<T> cache(T obj) {
    return caches.forType((Class<T>) obj.getClass());
  }

  /** Reads the caches: in tests they stand for the server. */
  @Override
  public synchronized <T extends HasMetadata> T get(Class<T> type, String namespace, String name) {
    T t = caches.forType(type).get(namespace, name);
    return t == null ? null : DeepCopy.of(t);
  }

  @Override
  public synchronized <T extends HasMetadata> T create(T obj) {
    T copy = DeepCopy.of(obj);
    var meta = copy.getMetadata();
    if ((meta.getName() == null || meta.getName().isEmpty()) && meta.getGenerateName() != null) {
      meta.setName(meta.getGenerateName() + String.format("%05d", nextName++));
    }
    record(
        new Action(
            "create",
            obj.getKind(),
            meta.getNamespace(),
            meta.getName(),
            null,
            DeepCopy.of(copy),
            null,
            null));
    if (!applyToCaches) {
      return copy;
    }
    FakeInformer<T> cache = cache(copy);
    if (cache.get(meta.getNamespace(), meta.getName()) != null) {
      throw ApiErrors.status(
          409, "AlreadyExists", obj.getKind() + " \"" + meta.getName() + "\" already exists");
    }
    meta.setUid("uid-" + meta.getName() + "-" + nextRevision);
    meta.setResourceVersion(Long.toString(nextRevision++));
    meta.setCreationTimestamp(clock.now().truncatedTo(ChronoUnit.SECONDS).toString());
    if (meta.getGeneration() == null) {
      meta.setGeneration(1L);
    }
    cache.add(copy);
    return DeepCopy.of(copy);
  }

  @Override
  public synchronized <T extends HasMetadata> T update(T obj) {
    return write("update", obj, null, null);
  }

  @Override
  public synchronized <T extends HasMetadata> T updateSubresource(T obj, String subresource) {
    return write("update", obj, subresource, null);
  }

  @Override
  public synchronized <T extends HasMetadata> T patch(T obj, String mergePatch) {
    return write("patch", obj, null, mergePatch);
  }

  private <T extends HasMetadata> T write(String verb, T obj, String subresource, String patch) {
    var meta = obj.getMetadata();
    record(
        new Action(
            verb,
            obj.getKind(),
            meta.getNamespace(),
            meta.getName(),
            subresource,
            DeepCopy.of(obj),
            patch,
            null));
    if (!applyToCaches) {
      return DeepCopy.of(obj);
    }
    FakeInformer<T> cache = cache(obj);
    T current = cache.get(meta.getNamespace(), meta.getName());
    if (current == null) {
      throw ApiErrors.status(
          404, "NotFound", obj.getKind() + " \"" + meta.getName() + "\" not found");
    }
    ObjectNode cur = tree(current);
    ObjectNode next;
    if (patch != null) {
      next = cur.deepCopy();
      MergePatch.apply(next, tree(DeepCopy.serialization().unmarshal(patch, Map.class)));
    } else {
      String rv = meta.getResourceVersion();
      if (rv != null && !rv.isEmpty() && !rv.equals(current.getMetadata().getResourceVersion())) {
        throw ApiErrors.status(
            409,
            "Conflict",
            "the object has been modified; please apply your changes to the latest version and try again");
      }
      ObjectNode sent = tree(obj);
      if ("status".equals(subresource)) {
        next = cur.deepCopy();
        copyField(sent, next, "status");
      } else if ("finalize".equals(subresource)) {
        next = cur.deepCopy();
        ((ObjectNode) next.path("spec"))
            .set("finalizers", sent.path("spec").path("finalizers").deepCopy());
      } else {
        next = sent;
        copyField(cur, next, "status");
        ObjectNode m = (ObjectNode) next.path("metadata");
        for (String owned :
            List.of("uid", "creationTimestamp", "deletionTimestamp", "generation")) {
          copyField((ObjectNode) cur.path("metadata"), m, owned);
        }
      }
    }
    ObjectNode m = (ObjectNode) next.path("metadata");
    if (!withoutMetaAndStatus(next).equals(withoutMetaAndStatus(cur))) {
      m.put("generation", cur.path("metadata").path("generation").asLong(1) + 1);
    }
    m.put("resourceVersion", Long.toString(nextRevision++));
    @SuppressWarnings("unchecked")
    T updated = (T) DeepCopy.serialization().convertValue(next, obj.getClass());
    if (updated.getMetadata().getDeletionTimestamp() != null
        && (updated.getMetadata().getFinalizers() == null
            || updated.getMetadata().getFinalizers().isEmpty())
        && !pendingNamespaceFinalizers(next)) {
      cache.delete(updated);
    } else {
      cache.update(updated);
    }
    return DeepCopy.of(updated);
  }

  private static boolean pendingNamespaceFinalizers(ObjectNode obj) {
    return obj.path("kind").asText().equals("Namespace")
        && !obj.path("spec").path("finalizers").isEmpty();
  }

  @Override
  public synchronized boolean delete(HasMetadata obj, Deletion deletion) {
    var meta = obj.getMetadata();
    record(
        new Action(
            "delete",
            obj.getKind(),
            meta.getNamespace(),
            meta.getName(),
            null,
            DeepCopy.of(obj),
            null,
            deletion));
    if (!applyToCaches) {
      return true;
    }
    FakeInformer<HasMetadata> cache = cache(obj);
    HasMetadata current = cache.get(meta.getNamespace(), meta.getName());
    if (current == null) {
      return false;
    }
    if (deletion.preconditionUid() != null
        && !deletion.preconditionUid().equals(current.getMetadata().getUid())) {
      throw ApiErrors.status(
          409,
          "Conflict",
          "Precondition failed: UID in precondition: " + deletion.preconditionUid());
    }
    HasMetadata next = DeepCopy.of(current);
    List<String> finalizers =
        new ArrayList<>(
            next.getMetadata().getFinalizers() == null
                ? List.of()
                : next.getMetadata().getFinalizers());
    if ("Foreground".equals(deletion.propagationPolicy())
        && !finalizers.contains("foregroundDeletion")) {
      finalizers.add("foregroundDeletion");
    } else if ("Orphan".equals(deletion.propagationPolicy()) && !finalizers.contains("orphan")) {
      finalizers.add("orphan");
    }
    if (finalizers.isEmpty() && !pendingNamespaceFinalizers(tree(next))) {
      cache.delete(current);
      return true;
    }
    if (next.getMetadata().getDeletionTimestamp() == null) {
      next.getMetadata()
          .setDeletionTimestamp(clock.now().truncatedTo(ChronoUnit.SECONDS).toString());
      next.getMetadata().setFinalizers(finalizers);
    }
    next.getMetadata().setResourceVersion(Long.toString(nextRevision++));
    cache.update(next);
    return true;
  }

  private static ObjectNode tree(Object obj) {
    return DeepCopy.serialization().convertValue(obj, ObjectNode.class);
  }

  private static void copyField(ObjectNode from, ObjectNode to, String field) {
    JsonNode v = from.get(field);
    if (v == null || v.isNull()) {
      to.remove(field);
    } else {
      to.set(field, v.deepCopy());
    }
  }

  private static ObjectNode withoutMetaAndStatus(ObjectNode obj) {
    ObjectNode c = obj.deepCopy();
    c.remove(List.of("metadata", "status", "kind", "apiVersion"));
    return c;
  }
}
