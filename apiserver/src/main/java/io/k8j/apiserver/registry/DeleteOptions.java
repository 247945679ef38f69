package io.k8j.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The options of a delete: upstream's {@code DeleteOptions}.
 *
 * @param gracePeriodSeconds null when the client did not choose one
 * @param propagationPolicy Background, Foreground, Orphan, or null
 * @param preconditionUid null or the uid the object must have
 * @param preconditionResourceVersion null or the resourceVersion the object must have
 */
public record DeleteOptions(
    Long gracePeriodSeconds,
    String propagationPolicy,
    String preconditionUid,
    String preconditionResourceVersion,
    boolean dryRun) {

  public static final DeleteOptions DEFAULT = new DeleteOptions(null, null, null, null, false);

  /** Reads a DeleteOptions body (or query parameters folded into one). */
  public static DeleteOptions from(JsonNode body, boolean dryRun) {
    JsonNode g = body.path("gracePeriodSeconds");
    String policy = body.path("propagationPolicy").asText(null);
    JsonNode orphan = body.path("orphanDependents");
    if (policy == null && orphan.isBoolean()) {
      policy = orphan.asBoolean() ? "Orphan" : "Background";
    }
    JsonNode pre = body.path("preconditions");
    return new DeleteOptions(
        g.isNumber() ? g.asLong() : null,
        policy,
        pre.path("uid").isTextual() ? pre.path("uid").asText() : null,
        pre.path("resourceVersion").isTextual() ? pre.path("resourceVersion").asText() : null,
        dryRun || body.path("dryRun").isArray() && !body.path("dryRun").isEmpty());
  }
}
