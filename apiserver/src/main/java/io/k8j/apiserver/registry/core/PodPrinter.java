package io.k8j.apiserver.registry.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.registry.Ages;
import java.time.Instant;

/** The cells of a pod's row, as upstream's {@code printPod}. */
final class PodPrinter {
  private PodPrinter() {}

  static String orNone(JsonNode n) {
    return n.isValueNode() && !n.asText().isEmpty() ? n.asText() : "<none>";
  }

  static String ready(ObjectNode pod) {
    int total = pod.path("spec").path("containers").size();
    int ready = 0;
    for (JsonNode cs : pod.path("status").path("containerStatuses")) {
      if (cs.path("ready").asBoolean(false)) {
        ready++;
      }
    }
    return ready + "/" + total;
  }

  static String restarts(ObjectNode pod) {
    long restarts = 0;
    String last = null;
    Instant lastTime = null;
    for (JsonNode cs : pod.path("status").path("containerStatuses")) {
      restarts += cs.path("restartCount").asLong(0);
      String finished = cs.path("lastState").path("terminated").path("finishedAt").asText("");
      if (!finished.isEmpty()) {
        Instant t = Instant.parse(finished);
        if (lastTime == null || t.isAfter(lastTime)) {
          lastTime = t;
          last = finished;
        }
      }
    }
    return last != null && restarts > 0
        ? restarts + " (" + Ages.since(last) + " ago)"
        : Long.toString(restarts);
  }

  static String status(ObjectNode pod) {
    JsonNode status = pod.path("status");
    String reason = status.path("phase").asText("");
    if (!status.path("reason").asText("").isEmpty()) {
      reason = status.path("reason").asText();
    }
    int initTotal = pod.path("spec").path("initContainers").size();
    boolean initializing = false;
    int i = 0;
    for (JsonNode cs : status.path("initContainerStatuses")) {
      JsonNode term = cs.path("state").path("terminated");
      JsonNode wait = cs.path("state").path("waiting");
      if (!term.isMissingNode() && term.path("exitCode").asInt(0) == 0) {
        i++;
        continue;
      }
      if (!term.isMissingNode()) {
        reason =
            term.path("reason").asText("").isEmpty()
                ? "Init:ExitCode:" + term.path("exitCode").asInt()
                : "Init:" + term.path("reason").asText();
      } else if (!wait.isMissingNode()
          && !wait.path("reason").asText("").isEmpty()
          && !wait.path("reason").asText().equals("PodInitializing")) {
        reason = "Init:" + wait.path("reason").asText();
      } else {
        reason = "Init:" + i + "/" + initTotal;
      }
      initializing = true;
      break;
    }
    if (!initializing) {
      boolean hasRunning = false;
      for (JsonNode cs : status.path("containerStatuses")) {
        JsonNode state = cs.path("state");
        if (!state.path("waiting").path("reason").asText("").isEmpty()) {
          reason = state.path("waiting").path("reason").asText();
        } else if (!state.path("terminated").path("reason").asText("").isEmpty()) {
          reason = state.path("terminated").path("reason").asText();
        } else if (!state.path("terminated").isMissingNode()) {
          JsonNode t = state.path("terminated");
          reason =
              t.path("signal").asInt(0) != 0
                  ? "Signal:" + t.path("signal").asInt()
                  : "ExitCode:" + t.path("exitCode").asInt();
        } else if (cs.path("ready").asBoolean(false) && !state.path("running").isMissingNode()) {
          hasRunning = true;
        }
      }
      if (reason.equals("Completed") && hasRunning) {
        reason = "Running";
      }
    }
    if (pod.path("metadata").has("deletionTimestamp")) {
      reason = status.path("reason").asText("").equals("NodeLost") ? "Unknown" : "Terminating";
    }
    return reason;
  }

  static String readinessGates(ObjectNode pod) {
    JsonNode gates = pod.path("spec").path("readinessGates");
    if (gates.isEmpty()) {
      return "<none>";
    }
    int ready = 0;
    for (JsonNode g : gates) {
      for (JsonNode c : pod.path("status").path("conditions")) {
        if (c.path("type").asText().equals(g.path("conditionType").asText())
            && c.path("status").asText().equals("True")) {
          ready++;
        }
      }
    }
    return ready + "/" + gates.size();
  }
}
