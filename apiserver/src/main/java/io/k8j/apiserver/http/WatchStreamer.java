package io.k8j.apiserver.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.registry.ListOptions;
import io.k8j.apiserver.registry.ResourceDef;
import io.k8j.apiserver.registry.ResourceLister;
import io.k8j.apiserver.registry.ServedResource;
import io.k8j.apiserver.registry.TableConvertor;
import io.k8j.apiserver.watchcache.CacheWatcher;
import io.k8j.apiserver.watchcache.WatchCache;
import io.k8j.apiserver.watchcache.WatchFilter;
import io.k8j.store.Revision;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams a watch from the watch cache: newline-delimited {@code {"type","object"}} events, one
 * write per event. Ends at {@code timeoutSeconds} (or a server default of 30 to 60 minutes), when
 * the client goes away, or when the cache terminates the watcher.
 */
public final class WatchStreamer {
  private static final Logger LOG = LoggerFactory.getLogger(WatchStreamer.class);
  private static final int QUEUE_CAPACITY = 1000;
  private static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);

  /** How often an idle HTTP/1.x watch checks that its client is still there. */
  private static final long CLIENT_PROBE_MILLIS = 1000;

  public void serve(
      HttpExchange ex,
      Negotiation.Choice choice,
      ServedResource r,
      String namespace,
      String name,
      ListOptions opts) {
    ResourceDef def = r.def();
    String prefix =
        name.isEmpty() ? r.lister().listPrefix(namespace, opts) : def.key(namespace, name);
    Predicate<ObjectNode> base = ResourceLister.predicate(opts);
    Predicate<ObjectNode> predicate =
        name.isEmpty()
            ? base
            : base.and(o -> name.equals(o.path("metadata").path("name").asText()));
    long from = revision(opts.resourceVersion());
    WatchCache cache = r.cache();
    if (from > 0) {
      try {
        cache.waitUntilFresh(from, Duration.ofSeconds(3));
      } catch (WatchCache.NotFreshException e) {
        throw ApiException.timeout(
            "Too large resource version: " + from + ", current: " + cache.revision());
      }
    }
    CacheWatcher watcher;
    try {
      watcher =
          cache.watch(
              new WatchFilter(prefix, predicate, opts.fields().requiredValue("spec.nodeName")),
              from,
              opts.allowWatchBookmarks(),
              QUEUE_CAPACITY);
    } catch (WatchCache.TooOldException e) {
      watcher = CacheWatcher.failed(prefix, ApiException.gone(e.getMessage()).toStatus());
    }
    long timeoutMillis =
        opts.timeoutSeconds() > 0
            ? opts.timeoutSeconds() * 1000
            : DEFAULT_TIMEOUT.toMillis()
                + ThreadLocalRandom.current().nextLong(DEFAULT_TIMEOUT.toMillis());
    long deadline = System.currentTimeMillis() + timeoutMillis;
    String includeObject = ex.query("includeObject");
    Encoder encoder = item -> encode(item, choice, def, includeObject);
    if ("websocket".equalsIgnoreCase(ex.header("Upgrade"))) {
      WatchSocket socket = new WatchSocket(watcher, deadline, encoder);
      if (!ex.upgradeToWebSocket(socket)) {
        watcher.close();
        throw ApiException.badRequest("the WebSocket upgrade of the watch failed");
      }
      return;
    }
    AtomicBoolean gone = new AtomicBoolean();
    ex.onFailure(() -> gone.set(true));
    ex.ignoreIdleTimeouts();
    ex.startStream(200, "application/json");
    try {
      ex.write(new byte[0]);
      long[] nextProbe = {System.currentTimeMillis() + CLIENT_PROBE_MILLIS};
      pump(
          watcher,
          deadline,
          encoder,
          ex::write,
          () -> {
            if (gone.get()) {
              return true;
            }
            long now = System.currentTimeMillis();
            if (now < nextProbe[0]) {
              return false;
            }
            nextProbe[0] = now + CLIENT_PROBE_MILLIS;
            return ex.clientGone();
          });
      ex.endStream();
    } catch (IOException e) {
      ex.abort(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ex.abort(e);
    }
  }

  /** Encodes one event as a line of JSON. */
  interface Encoder {
    byte[] encode(CacheWatcher.Item item);
  }

  /** Where a watch's events go: a streamed response or a WebSocket. */
  interface Sink {
    void send(byte[] event) throws IOException;
  }

  /**
   * Sends a watcher's events to a sink until the deadline, the client going away or the cache
   * ending the watch; closes the watcher.
   */
  static void pump(
      CacheWatcher watcher,
      long deadline,
      Encoder encoder,
      Sink sink,
      java.util.function.BooleanSupplier gone)
      throws IOException, InterruptedException {
    try (watcher) {
      while (!gone.getAsBoolean()) {
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          return;
        }
        CacheWatcher.Item item = watcher.next(Math.min(left, 1000), TimeUnit.MILLISECONDS);
        if (item != null) {
          sink.send(encoder.encode(item));
        }
      }
    } catch (CacheWatcher.WatchEndedException e) {
      // the cache ended this watch (the watcher fell behind, or the cache restarted)
      if (e.overflowed()) {
        LOG.warn(
            "ended the watch of {}: its client fell {} events behind",
            watcher.describe(),
            QUEUE_CAPACITY);
      }
    }
  }

  private static byte[] encode(
      CacheWatcher.Item item, Negotiation.Choice choice, ResourceDef def, String includeObject) {
    ObjectNode obj = item.object();
    if (item.type().equals("ERROR")) {
      return line(Json.object().put("type", "ERROR").set("object", obj));
    }
    if (!item.type().equals("BOOKMARK")) {
      obj = def.converter().fromStorage(obj);
    }
    if (item.type().equals("BOOKMARK")) {
      obj = obj.deepCopy().put("kind", def.kind()).put("apiVersion", def.apiVersion());
    } else if (choice.format() == Negotiation.Format.TABLE) {
      obj =
          TableConvertor.table(
              def,
              List.of(obj),
              choice.version(),
              obj.path("metadata").path("resourceVersion").asText(),
              null,
              includeObject);
    } else if (choice.format() == Negotiation.Format.PARTIAL_METADATA) {
      obj = TableConvertor.partial(obj, choice.version());
    }
    ObjectNode event = Json.object().put("type", item.type());
    event.set("object", obj);
    return line(event);
  }

  private static byte[] line(ObjectNode event) {
    byte[] json = Json.bytes(event);
    byte[] out = new byte[json.length + 1];
    System.arraycopy(json, 0, out, 0, json.length);
    out[json.length] = '\n';
    return out;
  }

  private static long revision(String rv) {
    if (rv == null || rv.isEmpty()) {
      return 0;
    }
    try {
      return Revision.parse(rv).value();
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(
          "resourceVersion: Invalid value: \"" + rv + "\": must be a number");
    }
  }
}
