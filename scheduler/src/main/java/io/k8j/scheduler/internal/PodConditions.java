package io.k8j.scheduler.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.k8j.common.Clock;
import io.k8j.scheduler.util.PodApi;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records why a pod is not scheduled in its status, as upstream's {@code updatePod}: the {@code
 * PodScheduled} condition (False, reason Unschedulable or SchedulerError, the message) and the
 * nominated node, in one merge patch, only when something changes. Asynchronous.
 */
final class PodConditions {
  private static final Logger log = LoggerFactory.getLogger(PodConditions.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PodApi api;
  private final Clock clock;

  PodConditions(PodApi api, Clock clock) {
    this.api = api;
    this.clock = clock;
  }

  /**
   * @param nominatedNodeName null to leave it, empty to clear it, a node to set it
   */
  void markUnschedulable(Pod pod, String reason, String message, String nominatedNodeName) {
    PodCondition c = new PodCondition();
    c.setType("PodScheduled");
    c.setStatus("False");
    c.setReason(reason);
    c.setMessage(message);
    ArrayNode conditions = PodApi.conditionsWith(pod, c, clock.now());
    String current = pod.getStatus() == null ? null : pod.getStatus().getNominatedNodeName();
    boolean nominationChanges =
        nominatedNodeName != null
            && !Objects.equals(emptyToNull(current), emptyToNull(nominatedNodeName));
    if (conditions == null && !nominationChanges) {
      return;
    }
    ObjectNode status = JSON.createObjectNode();
    if (conditions != null) {
      status.set("conditions", conditions);
    }
    if (nominationChanges) {
      if (nominatedNodeName.isEmpty()) {
        status.putNull("nominatedNodeName");
      } else {
        status.put("nominatedNodeName", nominatedNodeName);
      }
    }
    String ns = pod.getMetadata().getNamespace();
    String name = pod.getMetadata().getName();
    api.patchStatus(ns, name, status)
        .whenComplete(
            (v, e) -> {
              if (e != null) {
                log.debug("could not update the status of {}/{}: {}", ns, name, e.toString());
              }
            });
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
