package io.k8j.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.k8j.apiserver.Json;

/**
 * Upstream's DefaultTolerationSeconds: a new pod that does not tolerate the not-ready and
 * unreachable NoExecute taints tolerates each for 300 seconds, so its node's failure evicts it
 * after five minutes rather than at once.
 */
public final class DefaultTolerationSeconds implements AdmissionPlugin {
  static final String NOT_READY = "node.kubernetes.io/not-ready";
  static final String UNREACHABLE = "node.kubernetes.io/unreachable";
  static final long SECONDS = 300;

  @Override
  public String name() {
    return "DefaultTolerationSeconds";
  }

  @Override
  public void admit(AdmissionRequest r) {
    if (!r.isMain("", "pods") || r.operation() != AdmissionRequest.Operation.CREATE) {
      return;
    }
    boolean notReady = false;
    boolean unreachable = false;
    JsonNode existing = r.object().path("spec").path("tolerations");
    for (JsonNode t : existing) {
      String key = t.path("key").asText("");
      String effect = t.path("effect").asText("");
      if (!effect.isEmpty() && !effect.equals("NoExecute")) {
        continue;
      }
      notReady |= key.isEmpty() || key.equals(NOT_READY);
      unreachable |= key.isEmpty() || key.equals(UNREACHABLE);
    }
    if (notReady && unreachable) {
      return;
    }
    ArrayNode tolerations =
        existing.isArray()
            ? (ArrayNode) existing
            : Json.child(r.object(), "spec").putArray("tolerations");
    if (!notReady) {
      add(tolerations, NOT_READY);
    }
    if (!unreachable) {
      add(tolerations, UNREACHABLE);
    }
  }

  private static void add(ArrayNode tolerations, String key) {
    tolerations
        .addObject()
        .put("key", key)
        .put("operator", "Exists")
        .put("effect", "NoExecute")
        .put("tolerationSeconds", SECONDS);
  }
}
