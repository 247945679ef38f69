package io.k8j.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.http.ApiException;
import io.k8j.apiserver.registry.ServedResource;
import io.k8j.apiserver.registry.scheduling.PriorityClasses;
import java.util.function.Supplier;

/**
 * Upstream's {@code Priority} admission plugin. On pod creation it resolves {@code
 * spec.priorityClassName} to {@code spec.priority} and {@code spec.preemptionPolicy} (a pod without
 * a class gets the globalDefault class, else priority 0); an unknown class, or a priority or policy
 * the pod sets itself that differs from its class's, is refused with 403. On PriorityClass writes
 * it keeps at most one class marked globalDefault.
 */
public final class PriorityAdmission implements AdmissionPlugin {
  private final Supplier<ServedResource> priorityClasses;

  /**
   * @param priorityClasses the served PriorityClass resource (looked up at each request, since the
   *     chain is built before the stores)
   */
  public PriorityAdmission(Supplier<ServedResource> priorityClasses) {
    this.priorityClasses = priorityClasses;
  }

  @Override
  public String name() {
    return "Priority";
  }

  @Override
  public void admit(AdmissionRequest r) {
    if (r.operation() == AdmissionRequest.Operation.CREATE && r.isMain("", "pods")) {
      admitPod(r);
    }
  }

  @Override
  public void validate(AdmissionRequest r) {
    boolean write =
        r.operation() == AdmissionRequest.Operation.CREATE
            || r.operation() == AdmissionRequest.Operation.UPDATE;
    if (write && r.isMain(PriorityClasses.GROUP, PriorityClasses.PLURAL)) {
      validatePriorityClass(r);
    }
  }

  private void admitPod(AdmissionRequest r) {
    ObjectNode spec = Json.child(r.object(), "spec");
    String className = spec.path("priorityClassName").asText("");
    long priority;
    String policy;
    if (className.isEmpty()) {
      ObjectNode def = globalDefault(null);
      if (def == null) {
        priority = 0;
        policy = PriorityClasses.PREEMPT_LOWER_PRIORITY;
      } else {
        spec.put("priorityClassName", def.path("metadata").path("name").asText());
        priority = def.path("value").asLong(0);
        policy = def.path("preemptionPolicy").asText(PriorityClasses.PREEMPT_LOWER_PRIORITY);
      }
    } else {
      ObjectNode pc = find(className);
      if (pc == null) {
        throw forbidden(r, "no PriorityClass with name " + className + " was found");
      }
      priority = pc.path("value").asLong(0);
      policy = pc.path("preemptionPolicy").asText(PriorityClasses.PREEMPT_LOWER_PRIORITY);
    }
    JsonNode given = spec.path("priority");
    if (given.isNumber() && given.asLong() != priority) {
      throw forbidden(
          r,
          "the integer value of priority ("
              + given.asLong()
              + ") must not be provided in pod spec; priority admission controller computed "
              + priority
              + " from the given PriorityClass name");
    }
    spec.put("priority", priority);
    JsonNode givenPolicy = spec.path("preemptionPolicy");
    if (givenPolicy.isTextual() && !givenPolicy.asText().equals(policy)) {
      throw forbidden(
          r,
          "the string value of PreemptionPolicy ("
              + givenPolicy.asText()
              + ") must not be provided in pod spec; priority admission controller computed "
              + policy
              + " from the given PriorityClass name");
    }
    spec.put("preemptionPolicy", policy);
  }

  private void validatePriorityClass(AdmissionRequest r) {
    if (!r.object().path("globalDefault").asBoolean(false)) {
      return;
    }
    ObjectNode other = globalDefault(r.name());
    if (other != null) {
      throw forbidden(
          r,
          "PriorityClass "
              + other.path("metadata").path("name").asText()
              + " is already marked as default. Only one default can exist");
    }
  }

  private static ApiException forbidden(AdmissionRequest r, String why) {
    return ApiException.forbidden(r.def().groupResource(), r.name(), why, null);
  }

  private ObjectNode find(String name) {
    try {
      return priorityClasses.get().store().get("", name);
    } catch (ApiException e) {
      if (e.code() == 404) {
        return null;
      }
      throw e;
    }
  }

  /**
   * The class marked globalDefault (other than {@code except}); among several, the one of the
   * lowest value, as upstream's {@code getDefaultPriorityClass}.
   */
  private ObjectNode globalDefault(String except) {
    ObjectNode best = null;
    ServedResource served = priorityClasses.get();
    // from the watch cache, as upstream's lister: no wait on every pod created
    for (ObjectNode pc : served.cache().list(served.def().listPrefix(""), o -> true).items()) {
      if (!pc.path("globalDefault").asBoolean(false)
          || pc.path("metadata").path("name").asText().equals(except)) {
        continue;
      }
      if (best == null || pc.path("value").asLong(0) < best.path("value").asLong(0)) {
        best = pc;
      }
    }
    return best;
  }
}
