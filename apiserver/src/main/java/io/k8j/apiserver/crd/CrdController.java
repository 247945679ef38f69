package io.k8j.apiserver.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.registry.ResourceDef;
import io.k8j.apiserver.registry.ServedResource;
import io.k8j.apiserver.watchcache.CacheWatcher;
import io.k8j.apiserver.watchcache.WatchCache;
import io.k8j.apiserver.watchcache.WatchFilter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the resources of every CRD while it exists, as upstream's apiextensions controllers do:
 * watches the CRDs (from the watch cache, so every CRD stored before a restart is served again),
 * installs a CRD's resources when it is created or its spec changes, and when a CRD is marked for
 * deletion deletes its custom resources and removes the {@code
 * customresourcecleanup.apiextensions.k8s.io} finalizer so the CRD goes; its resources stop being
 * served when it is gone.
 */
public final class CrdController implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CrdController.class);

  /** What serves custom resources: the API server. */
  public interface Serving {
    /**
     * Serves {@code defs} as the resources of the CRD {@code owner}, replacing what it served
     * before; an empty list stops serving them. Returns what serves each def.
     */
    List<ServedResource> serve(String owner, List<ResourceDef> defs);

    /** The CRDs' own resource. */
    ServedResource crds();
  }

  private final Serving serving;
  private final Map<String, JsonNode> installed = new HashMap<>();
  private Thread loop;
  private volatile boolean closed;

  public CrdController(Serving serving) {
    this.serving = serving;
  }

  /** Serves the CRDs stored now before returning, then follows their changes. */
  public synchronized void start() {
    WatchCache cache = serving.crds().cache();
    for (ObjectNode crd : cache.list(cache.prefix(), o -> true).items()) {
      sync(crd, false);
    }
    loop = Thread.ofVirtual().name("crd-controller").start(this::run);
  }

  private void run() {
    WatchCache cache = serving.crds().cache();
    while (!closed) {
      try (CacheWatcher w =
          cache.watch(new WatchFilter(cache.prefix(), o -> true), 0, false, 1000)) {
        while (!closed) {
          CacheWatcher.Item item = w.next(1, TimeUnit.SECONDS);
          if (item != null && item.object() != null) {
            sync(item.object(), item.type().equals("DELETED"));
          }
        }
      } catch (CacheWatcher.WatchEndedException e) {
        LOG.info("CRD watch ended ({}); watching again", e.getMessage());
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.error("CRD controller failed; watching again", e);
      }
    }
  }

  /** Brings the serving of one CRD in line with the CRD; safe to run twice. */
  synchronized void sync(ObjectNode crd, boolean deleted) {
    String name = Json.text(crd, "metadata.name");
    if (deleted) {
      if (installed.remove(name) != null) {
        serving.serve(name, List.of());
        LOG.info("stopped serving the resources of CRD {}", name);
      }
      return;
    }
    if (crd.path("metadata").has("deletionTimestamp")) {
      cleanUp(crd, name);
      return;
    }
    JsonNode spec = crd.path("spec");
    if (spec.equals(installed.get(name))) {
      return;
    }
    List<ResourceDef> defs = CustomResources.definitions(crd);
    serving.serve(name, defs);
    installed.put(name, spec.deepCopy());
    LOG.info("serving CRD {}: {}", name, defs.stream().map(ResourceDef::apiVersion).toList());
  }

  /**
   * Deletes the custom resources of a CRD being deleted, then lets the CRD go; its resources stay
   * served (as upstream's do) until the CRD itself is gone.
   */
  private void cleanUp(ObjectNode crd, String name) {
    List<ServedResource> served = serving.serve(name, CustomResources.definitions(crd));
    installed.put(name, crd.path("spec").deepCopy());
    int count = 0;
    if (!served.isEmpty()) {
      ServedResource r = served.getFirst();
      WatchCache cache = r.cache();
      for (ObjectNode cr : cache.list(cache.prefix(), o -> true).items()) {
        try {
          r.store()
              .delete(
                  Json.text(cr, "metadata.namespace"),
                  Json.text(cr, "metadata.name"),
                  io.k8j.apiserver.registry.DeleteOptions.DEFAULT);
          count++;
        } catch (RuntimeException e) {
          LOG.warn(
              "could not delete {} of CRD {}: {}",
              Json.text(cr, "metadata.name"),
              name,
              e.toString());
        }
      }
    }
    try {
      serving
          .crds()
          .store()
          .update(
              null,
              name,
              "crd-cleanup",
              cur -> {
                if (cur == null) {
                  return null;
                }
                ObjectNode meta = Json.metadata(cur);
                ArrayNode kept = Json.MAPPER.createArrayNode();
                for (JsonNode f : meta.path("finalizers")) {
                  if (!f.asText().equals(CustomResourceDefinitions.CLEANUP_FINALIZER)) {
                    kept.add(f);
                  }
                }
                meta.set("finalizers", kept);
                return cur;
              },
              false);
    } catch (RuntimeException e) {
      LOG.warn("could not remove the cleanup finalizer of CRD {}: {}", name, e.toString());
    }
    LOG.info("deleted {} custom resources of CRD {}", count, name);
  }

  @Override
  public void close() {
    closed = true;
    if (loop != null) {
      loop.interrupt();
    }
  }
}
