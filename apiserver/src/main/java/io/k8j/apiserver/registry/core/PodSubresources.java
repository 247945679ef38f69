package io.k8j.apiserver.registry.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.http.ApiException;
import io.k8j.apiserver.registry.DeleteOptions;
import io.k8j.apiserver.registry.ResourceStore;
import io.k8j.common.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * {@code pods/binding} (the scheduler's assignment of a pod to a node) and {@code pods/eviction} (a
 * delete that disruption budgets may refuse).
 */
public final class PodSubresources {
  private final Clock clock;

  public PodSubresources(Clock clock) {
    this.clock = clock;
  }

  /** Binds a pod to the Binding's target node, once. */
  public void bind(ResourceStore pods, String ns, String name, ObjectNode binding) {
    String node = binding.path("target").path("name").asText("");
    if (node.isEmpty()) {
      throw ApiException.invalid(
          "",
          "Binding",
          name,
          List.of(io.k8j.apiserver.registry.validation.FieldError.required("target.name", "")));
    }
    pods.update(
        ns,
        name,
        "binding",
        cur -> {
          if (cur == null) {
            throw ApiException.notFound(pods.def().groupResource(), name);
          }
          if (cur.path("metadata").has("deletionTimestamp")) {
            throw ApiException.conflict(
                pods.def().groupResource(),
                name,
                "pod " + name + " is being deleted, cannot be assigned to a host");
          }
          String current = cur.path("spec").path("nodeName").asText("");
          if (!current.isEmpty()) {
            throw ApiException.conflict(
                pods.def().groupResource(),
                name,
                "pod " + name + " is already assigned to node \"" + current + "\"");
          }
          Json.child(cur, "spec").put("nodeName", node);
          ArrayNode conds = Json.child(cur, "status").withArray("conditions");
          for (int i = conds.size() - 1; i >= 0; i--) {
            if (conds.get(i).path("type").asText().equals("PodScheduled")) {
              conds.remove(i);
            }
          }
          conds
              .addObject()
              .put("type", "PodScheduled")
              .put("status", "True")
              .putNull("lastProbeTime")
              .put("lastTransitionTime", clock.now().truncatedTo(ChronoUnit.SECONDS).toString());
          return cur;
        },
        false);
  }

  /** Evicts a pod: deletes it with the eviction's delete options. */
  public void evict(ResourceStore pods, String ns, String name, ObjectNode eviction) {
    JsonNode opts = eviction.path("deleteOptions");
    pods.delete(
        ns, name, opts.isObject() ? DeleteOptions.from(opts, false) : DeleteOptions.DEFAULT);
  }
}
