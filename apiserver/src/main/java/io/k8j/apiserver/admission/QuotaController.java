package io.k8j.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.http.ApiException;
import io.k8j.apiserver.registry.ListOptions;
import io.k8j.apiserver.registry.ServedResource;
import io.k8j.common.Clock;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upstream's resource quota controller, inside the API server: every interval it recounts what the
 * objects of each quota's namespace use and rewrites {@code status.used} where it differs (objects
 * deleted or never stored after being charged).
 */
public final class QuotaController implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(QuotaController.class);

  private final BiFunction<String, String, ServedResource> resources;
  private final QuotaUsage usage;
  private final Clock clock;
  private final Duration interval;
  private Thread thread;

  public QuotaController(
      BiFunction<String, String, ServedResource> resources, Clock clock, Duration interval) {
    this.resources = resources;
    this.usage = new QuotaUsage(resources);
    this.clock = clock;
    this.interval = interval;
  }

  public void start() {
    thread =
        Thread.ofVirtual()
            .name("resourcequota-controller")
            .start(
                () -> {
                  while (!Thread.currentThread().isInterrupted()) {
                    try {
                      clock.sleep(interval);
                      syncAll();
                    } catch (InterruptedException e) {
                      return;
                    } catch (RuntimeException e) {
                      LOG.warn("resource quota sync failed: {}", e.toString());
                    }
                  }
                });
  }

  /** Recounts every quota once. */
  public void syncAll() {
    ServedResource quotas = resources.apply("", "resourcequotas");
    for (ObjectNode q : quotas.lister().list("", ListOptions.all()).items()) {
      sync(quotas, q);
    }
  }

  private void sync(ServedResource quotas, ObjectNode q) {
    String ns = q.path("metadata").path("namespace").asText();
    String name = q.path("metadata").path("name").asText();
    JsonNode hard = q.path("spec").path("hard");
    Map<String, BigDecimal> used = usage.inNamespace(ns, q);
    ObjectNode usedJson = ResourceLists.toJson(used);
    if (usedJson.equals(q.path("status").path("used"))
        && hard.equals(q.path("status").path("hard"))) {
      return;
    }
    try {
      quotas
          .store()
          .update(
              ns,
              name,
              "status",
              current -> {
                ObjectNode status = Json.child(current, "status");
                status.set("hard", current.path("spec").path("hard").deepCopy());
                status.set("used", usedJson);
                return current;
              },
              false);
      LOG.info("resourcequota {}/{}: usage recalculated: {}", ns, name, usedJson);
    } catch (ApiException e) {
      LOG.info("resourcequota {}/{}: recalculation skipped: {}", ns, name, e.getMessage());
    }
  }

  @Override
  public void close() {
    if (thread != null) {
      thread.interrupt();
    }
  }
}
