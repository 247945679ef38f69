package io.k8j.apiserver.registry.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.http.ApiException;
import io.k8j.apiserver.registry.Cells;
import io.k8j.apiserver.registry.DeleteOptions;
import io.k8j.apiserver.registry.ListOptions;
import io.k8j.apiserver.registry.ResourceStore;
import io.k8j.apiserver.registry.ServedResource;
import io.k8j.apiserver.registry.selection.LabelSelector;
import io.k8j.common.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
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

  /**
   * Evicts a pod: deletes it with the eviction's delete options, unless the one disruption budget
   * covering it allows no disruption now (429, as upstream). An allowed eviction spends one of the
   * budget's disruptions in its status before the pod is deleted.
   */
  public void evict(
      ResourceStore pods, ServedResource budgets, String ns, String name, ObjectNode eviction) {
    ObjectNode pod = pods.get(ns, name);
    JsonNode opts = eviction.path("deleteOptions");
    DeleteOptions delete =
        opts.isObject() ? DeleteOptions.from(opts, false) : DeleteOptions.DEFAULT;
    String phase = pod.path("status").path("phase").asText("");
    boolean ignoreBudgets =
        pod.path("metadata").has("deletionTimestamp")
            || phase.equals("Succeeded")
            || phase.equals("Failed")
            || phase.equals("Pending");
    if (!ignoreBudgets) {
      List<ObjectNode> matching = new ArrayList<>();
      for (ObjectNode pdb : budgets.lister().list(ns, ListOptions.all()).items()) {
        JsonNode selector = pdb.path("spec").path("selector");
        String text = Cells.labelSelector(selector);
        if (!text.equals("<none>") && LabelSelector.parse(text).matches(pod)) {
          matching.add(pdb);
        }
      }
      if (matching.size() > 1) {
        throw ApiException.internal(
            "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");
      }
      if (matching.size() == 1) {
        spendDisruption(budgets.store(), ns, matching.getFirst(), name);
      }
    }
    pods.delete(ns, name, delete);
  }

  private void spendDisruption(ResourceStore budgets, String ns, ObjectNode pdb, String podName) {
    String pdbName = pdb.path("metadata").path("name").asText();
    budgets.update(
        ns,
        pdbName,
        "status",
        cur -> {
          if (cur == null) {
            throw ApiException.notFound(budgets.def().groupResource(), pdbName);
          }
          JsonNode status = cur.path("status");
          long allowed = status.path("disruptionsAllowed").asLong(0);
          boolean current =
              status.path("observedGeneration").asLong(0)
                  >= cur.path("metadata").path("generation").asLong(1);
          if (allowed <= 0 || !current) {
            ObjectNode details = Json.object();
            details
                .putArray("causes")
                .addObject()
                .put("reason", "DisruptionBudget")
                .put(
                    "message",
                    "The disruption budget "
                        + pdbName
                        + " needs "
                        + status.path("desiredHealthy").asLong(0)
                        + " healthy pods and has "
                        + status.path("currentHealthy").asLong(0)
                        + " currently");
            throw new ApiException(
                429,
                "TooManyRequests",
                "Cannot evict pod as it would violate the pod's disruption budget.",
                details);
          }
          ObjectNode st = Json.child(cur, "status");
          st.put("disruptionsAllowed", allowed - 1);
          Json.child(st, "disruptedPods")
              .put(podName, clock.now().truncatedTo(ChronoUnit.SECONDS).toString());
          Json.metadata(cur).remove("resourceVersion");
          return cur;
        },
        false);
  }
}
