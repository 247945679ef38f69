package io.k8j.apiserver.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.http.ApiException;
import io.k8j.apiserver.registry.DeleteOptions;
import io.k8j.apiserver.registry.ServedResource;
import io.k8j.apiserver.watchcache.WatchCache;
import io.k8j.common.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the custom resources of a CRD marked for deletion, as upstream's {@code CRDFinalizer}:
 * marks the CRD {@code Terminating} ({@code InstanceDeletionInProgress}), deletes every custom
 * resource (those with finalizers get a deletionTimestamp and stay until their finalizers are
 * gone), waits up to a minute for them all to go, and only then removes the {@code
 * customresourcecleanup.apiextensions.k8s.io} finalizer so the CRD goes. A failed delete ({@code
 * InstanceDeletionFailed}) or resources still there after the wait ({@code InstanceDeletionCheck})
 * are recorded in the condition and the round is tried again.
 */
final class CrdFinalizer implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(CrdFinalizer.class);
  static final Duration WAIT = Duration.ofMinutes(1);
  static final Duration POLL = Duration.ofSeconds(1);
  static final Duration RETRY = Duration.ofSeconds(5);

  /** A Terminating condition. */
  record Condition(String status, String reason, String message) {}

  private final String name;
  private final ServedResource crds;
  private final Supplier<ServedResource> instances;
  private final Clock clock;

  /**
   * @param instances what serves the CRD's custom resources (null when none is served)
   */
  CrdFinalizer(String name, ServedResource crds, Supplier<ServedResource> instances, Clock clock) {
    this.name = name;
    this.crds = crds;
    this.instances = instances;
    this.clock = clock;
  }

  @Override
  public void run() {
    try {
      while (pending()) {
        update(
            new Condition(
                "True", "InstanceDeletionInProgress", "CustomResource deletion is in progress"),
            false);
        Condition result = deleteInstances();
        if (result.status().equals("False")) {
          update(result, true);
          LOG.info("deleted the custom resources of CRD {}; the CRD goes", name);
          return;
        }
        update(result, false);
        LOG.info("CRD {} still terminating: {}: {}", name, result.reason(), result.message());
        clock.sleep(RETRY);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.warn("cleanup of CRD {} failed", name, e);
    }
  }

  /** Whether the CRD is still there, marked for deletion, under the cleanup finalizer. */
  private boolean pending() {
    ObjectNode crd;
    try {
      crd = crds.store().get(null, name);
    } catch (ApiException e) {
      return false;
    }
    JsonNode meta = crd.path("metadata");
    if (!meta.has("deletionTimestamp")) {
      return false;
    }
    for (JsonNode f : meta.path("finalizers")) {
      if (f.asText().equals(CustomResourceDefinitions.CLEANUP_FINALIZER)) {
        return true;
      }
    }
    return false;
  }

  /** Deletes every custom resource, then waits for them to be gone. */
  Condition deleteInstances() throws InterruptedException {
    ServedResource r = instances.get();
    if (r == null) {
      return new Condition("False", "InstanceDeletionCompleted", "removed all instances");
    }
    List<String> errors = new ArrayList<>();
    for (ObjectNode cr : list(r)) {
      try {
        r.store()
            .delete(
                Json.text(cr, "metadata.namespace"),
                Json.text(cr, "metadata.name"),
                DeleteOptions.DEFAULT);
      } catch (ApiException e) {
        if (e.code() != 404) {
          errors.add(e.getMessage());
        }
      }
    }
    if (!errors.isEmpty()) {
      return new Condition(
          "True", "InstanceDeletionFailed", "could not issue all deletes: " + errorList(errors));
    }
    Instant deadline = clock.now().plus(WAIT);
    while (true) {
      int left = list(r).size();
      if (left == 0) {
        return new Condition("False", "InstanceDeletionCompleted", "removed all instances");
      }
      if (!clock.now().isBefore(deadline)) {
        return new Condition(
            "True",
            "InstanceDeletionCheck",
            "could not confirm zero CustomResources remaining: timed out waiting for the"
                + " condition");
      }
      LOG.debug("CRD {} waiting for {} custom resources to go", name, left);
      clock.sleep(POLL);
    }
  }

  private static List<ObjectNode> list(ServedResource r) {
    WatchCache cache = r.cache();
    return cache.list(cache.prefix(), o -> true).items();
  }

  private static String errorList(List<String> errors) {
    return errors.size() == 1 ? errors.getFirst() : "[" + String.join(", ", errors) + "]";
  }

  /** Sets the CRD's Terminating condition, and removes the cleanup finalizer when {@code done}. */
  private void update(Condition c, boolean done) {
    crds.store()
        .update(
            null,
            name,
            "crd-cleanup",
            cur -> {
              if (cur == null) {
                throw ApiException.notFound(crds.def().groupResource(), name);
              }
              setCondition(cur, c);
              if (done) {
                ObjectNode meta = Json.metadata(cur);
                ArrayNode kept = Json.MAPPER.createArrayNode();
                for (JsonNode f : meta.path("finalizers")) {
                  if (!f.asText().equals(CustomResourceDefinitions.CLEANUP_FINALIZER)) {
                    kept.add(f);
                  }
                }
                meta.set("finalizers", kept);
              }
              return cur;
            },
            false);
  }

  private void setCondition(ObjectNode crd, Condition c) {
    ArrayNode conditions = Json.child(crd, "status").withArray("conditions");
    String now = clock.now().truncatedTo(ChronoUnit.SECONDS).toString();
    for (int i = 0; i < conditions.size(); i++) {
      JsonNode old = conditions.get(i);
      if (old.path("type").asText().equals("Terminating")) {
        if (old.path("status").asText().equals(c.status())) {
          now = old.path("lastTransitionTime").asText(now);
        }
        conditions.remove(i);
        break;
      }
    }
    conditions
        .addObject()
        .put("type", "Terminating")
        .put("status", c.status())
        .put("lastTransitionTime", now)
        .put("reason", c.reason())
        .put("message", c.message());
  }
}
