package io.k8j.client.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.k8j.client.ApiErrors;
import io.k8j.client.ApiResource;
import io.k8j.client.DeepCopy;
import io.k8j.client.Deletion;
import io.k8j.client.DynamicClient;
import io.k8j.common.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A {@link DynamicClient} over {@link FakeInformers}: objects live in the informers' caches, writes
 * change them (and tell the handlers) as the API server would, including finalizers and propagation
 * policies holding deletes back. Every write is recorded.
 */
public final class FakeDynamicClient implements DynamicClient {
  private final FakeInformers caches;
  private final Clock clock;
  private final List<ApiResource> resources;
  private final List<String> log = new ArrayList<>();
  private int nextRevision = 1;

  public FakeDynamicClient(FakeInformers caches, Clock clock, List<ApiResource> resources) {
    this.caches = caches;
    this.clock = clock;
    this.resources = List.copyOf(resources);
  }

  /** Writes, as {@code "verb plural namespace/name[ detail]"}. */
  public synchronized List<String> log() {
    return List.copyOf(log);
  }

  /** Stores an object as created (uid and resourceVersion filled in if missing). */
  public synchronized GenericKubernetesResource create(
      ApiResource r, GenericKubernetesResource obj) {
    GenericKubernetesResource o = DeepCopy.of(obj);
    o.setApiVersion(r.apiVersion());
    o.setKind(r.kind());
    if (o.getMetadata().getUid() == null) {
      o.getMetadata().setUid("uid-" + o.getMetadata().getName());
    }
    o.getMetadata().setResourceVersion(Integer.toString(nextRevision++));
    caches.forResource(r).add(o);
    return o;
  }

  @Override
  public List<ApiResource> discover() {
    return resources;
  }

  @Override
  public synchronized List<GenericKubernetesResource> list(ApiResource r, String namespace) {
    FakeInformer<GenericKubernetesResource> c = caches.forResource(r);
    return namespace == null ? c.list() : c.list(namespace);
  }

  @Override
  public synchronized GenericKubernetesResource get(ApiResource r, String namespace, String name) {
    GenericKubernetesResource o =
        caches.forResource(r).get(r.namespaced() ? namespace : null, name);
    return o == null ? null : DeepCopy.of(o);
  }

  @Override
  public synchronized boolean delete(ApiResource r, String namespace, String name, Deletion d) {
    log.add(
        "delete "
            + r.plural()
            + " "
            + key(r, namespace, name)
            + (d.propagationPolicy() == null ? "" : " " + d.propagationPolicy()));
    FakeInformer<GenericKubernetesResource> c = caches.forResource(r);
    GenericKubernetesResource cur = c.get(r.namespaced() ? namespace : null, name);
    if (cur == null) {
      return false;
    }
    if (d.preconditionUid() != null && !d.preconditionUid().equals(cur.getMetadata().getUid())) {
      throw ApiErrors.status(409, "Conflict", "Precondition failed: UID in precondition");
    }
    GenericKubernetesResource next = DeepCopy.of(cur);
    List<String> finalizers = new ArrayList<>(next.getMetadata().getFinalizers());
    if ("Foreground".equals(d.propagationPolicy()) && !finalizers.contains("foregroundDeletion")) {
      finalizers.add("foregroundDeletion");
    } else if ("Orphan".equals(d.propagationPolicy()) && !finalizers.contains("orphan")) {
      finalizers.add("orphan");
    }
    if (finalizers.isEmpty()) {
      c.delete(cur);
      return true;
    }
    if (next.getMetadata().getDeletionTimestamp() == null) {
      next.getMetadata()
          .setDeletionTimestamp(clock.now().truncatedTo(ChronoUnit.SECONDS).toString());
      next.getMetadata().setFinalizers(finalizers);
    }
    next.getMetadata().setResourceVersion(Integer.toString(nextRevision++));
    c.update(next);
    return true;
  }

  @Override
  public synchronized void deleteCollection(ApiResource r, String namespace) {
    for (GenericKubernetesResource o : list(r, namespace)) {
      delete(r, namespace, o.getMetadata().getName(), Deletion.DEFAULT);
    }
  }

  @Override
  public synchronized GenericKubernetesResource patch(
      ApiResource r, String namespace, String name, String mergePatch) {
    log.add("patch " + r.plural() + " " + key(r, namespace, name) + " " + mergePatch);
    return apply(
        r,
        namespace,
        name,
        obj -> {
          ObjectNode patch =
              DeepCopy.serialization()
                  .convertValue(
                      DeepCopy.serialization().unmarshal(mergePatch, Map.class), ObjectNode.class);
          String rv = patch.path("metadata").path("resourceVersion").asText("");
          if (!rv.isEmpty() && !rv.equals(obj.path("metadata").path("resourceVersion").asText())) {
            throw ApiErrors.status(409, "Conflict", "the object has been modified");
          }
          MergePatch.apply(obj, patch);
        });
  }

  @Override
  public synchronized GenericKubernetesResource jsonPatch(
      ApiResource r, String namespace, String name, String jsonPatch) {
    log.add("json-patch " + r.plural() + " " + key(r, namespace, name) + " " + jsonPatch);
    return apply(
        r,
        namespace,
        name,
        obj -> {
          ArrayNode ops =
              DeepCopy.serialization()
                  .convertValue(
                      DeepCopy.serialization().unmarshal(jsonPatch, List.class), ArrayNode.class);
          for (JsonNode op : ops) {
            applyOp(obj, op);
          }
        });
  }

  private GenericKubernetesResource apply(
      ApiResource r,
      String namespace,
      String name,
      java.util.function.Consumer<ObjectNode> change) {
    FakeInformer<GenericKubernetesResource> c = caches.forResource(r);
    GenericKubernetesResource cur = c.get(r.namespaced() ? namespace : null, name);
    if (cur == null) {
      return null;
    }
    ObjectNode obj = DeepCopy.serialization().convertValue(cur, ObjectNode.class);
    change.accept(obj);
    ((ObjectNode) obj.path("metadata")).put("resourceVersion", Integer.toString(nextRevision++));
    GenericKubernetesResource next =
        DeepCopy.serialization().convertValue(obj, GenericKubernetesResource.class);
    if (next.getMetadata().getDeletionTimestamp() != null
        && next.getMetadata().getFinalizers().isEmpty()) {
      c.delete(next);
    } else {
      c.update(next);
    }
    return DeepCopy.of(next);
  }

  private static void applyOp(ObjectNode root, JsonNode op) {
    String path = op.path("path").asText();
    int slash = path.lastIndexOf('/');
    JsonNode parent = path.substring(0, slash).isEmpty() ? root : root.at(path.substring(0, slash));
    String last = path.substring(slash + 1).replace("~1", "/").replace("~0", "~");
    switch (op.path("op").asText()) {
      case "test" -> {
        if (!op.path("value").equals(root.at(path))) {
          throw ApiErrors.status(
              422, "Invalid", "the server rejected our request due to an error in our request");
        }
      }
      case "remove" -> {
        if (parent instanceof ArrayNode a) {
          a.remove(Integer.parseInt(last));
        } else {
          ((ObjectNode) parent).remove(last);
        }
      }
      case "add", "replace" -> {
        if (parent instanceof ArrayNode a) {
          if (last.equals("-")) {
            a.add(op.get("value"));
          } else if (op.path("op").asText().equals("add")) {
            a.insert(Integer.parseInt(last), op.get("value"));
          } else {
            a.set(Integer.parseInt(last), op.get("value"));
          }
        } else {
          ((ObjectNode) parent).set(last, op.get("value"));
        }
      }
      default -> throw new IllegalArgumentException("unsupported op " + op);
    }
  }

  private static String key(ApiResource r, String namespace, String name) {
    return r.namespaced() && namespace != null && !namespace.isEmpty()
        ? namespace + "/" + name
        : name;
  }
}
