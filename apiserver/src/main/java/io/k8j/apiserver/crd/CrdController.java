package io.k8j.apiserver.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.registry.ResourceDef;
import io.k8j.apiserver.registry.ServedResource;
import io.k8j.apiserver.watchcache.CacheWatcher;
import io.k8j.apiserver.watchcache.WatchCache;
import io.k8j.apiserver.watchcache.WatchFilter;
import io.k8j.common.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the resources of every CRD while it exists, as upstream's apiextensions controllers do:
 * watches the CRDs (from the watch cache, so every CRD stored before a restart is served again),
 * installs a CRD's resources when it is created or its spec changes, and when a CRD is marked for
 * deletion hands it to a {@link CrdFinalizer}, which deletes its custom resources before the CRD
 * goes; its resources stop being served when it is gone.
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

    /** What serves the resources of the CRD {@code owner} now, storage version first. */
    List<ServedResource> served(String owner);
  }

  private final Serving serving;

  /** What {@link #installed} holds for a CRD served as terminating. */
  private static final JsonNode TERMINATING = Json.object().put("terminating", true);

  private final Clock clock;
  private final Map<String, JsonNode> installed = new HashMap<>();
  private final Map<String, Thread> finalizers = new HashMap<>();
  private Thread loop;
  private volatile boolean closed;

  public CrdController(Serving serving, Clock clock) {
    this.serving = serving;
    this.clock = clock;
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
      finalizers.remove(name);
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
   * Serves the resources of a CRD being deleted as terminating (creates refused) and starts its
   * {@link CrdFinalizer} unless it runs; the resources stay served (as upstream's do) until the CRD
   * itself is gone.
   */
  private void cleanUp(ObjectNode crd, String name) {
    if (!TERMINATING.equals(installed.get(name))) {
      serving.serve(name, CustomResources.definitions(crd));
      installed.put(name, TERMINATING);
    }
    Thread running = finalizers.get(name);
    if (running != null && running.isAlive()) {
      return;
    }
    Supplier<ServedResource> instances =
        () -> {
          List<ServedResource> served = serving.served(name);
          return served.isEmpty() ? null : served.getFirst();
        };
    finalizers.put(
        name,
        Thread.ofVirtual()
            .name("crd-finalizer-" + name)
            .start(new CrdFinalizer(name, serving.crds(), instances, clock)));
    LOG.info("CRD {} is terminating: deleting its custom resources", name);
  }

  @Override
  public void close() {
    closed = true;
    if (loop != null) {
      loop.interrupt();
    }
    synchronized (this) {
      finalizers.values().forEach(Thread::interrupt);
    }
  }
}
