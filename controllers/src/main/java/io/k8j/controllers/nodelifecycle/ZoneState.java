package io.k8j.controllers.nodelifecycle;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import java.util.List;
import java.util.Map;

/** How healthy a zone is, as upstream's {@code ZoneState}; decides the zone's eviction rate. */
enum ZoneState {
  INITIAL,
  NORMAL,
  FULL_DISRUPTION,
  PARTIAL_DISRUPTION;

  /** Upstream's {@code ComputeZoneState}. */
  static ZoneState of(List<NodeCondition> readyConditions, double unhealthyThreshold) {
    int ready = 0;
    int notReady = 0;
    for (NodeCondition c : readyConditions) {
      if (c != null && "True".equals(c.getStatus())) {
        ready++;
      } else {
        notReady++;
      }
    }
    if (ready == 0 && notReady > 0) {
      return FULL_DISRUPTION;
    }
    if (notReady > 2 && (double) notReady / (notReady + ready) >= unhealthyThreshold) {
      return PARTIAL_DISRUPTION;
    }
    return NORMAL;
  }

  /** Upstream's {@code GetZoneKey}: region and zone labels, "" without them. */
  static String zoneKey(Node node) {
    Map<String, String> labels = node.getMetadata().getLabels();
    if (labels == null) {
      return "";
    }
    String region =
        labels.getOrDefault(
            "topology.kubernetes.io/region",
            labels.getOrDefault("failure-domain.beta.kubernetes.io/region", ""));
    String zone =
        labels.getOrDefault(
            "topology.kubernetes.io/zone",
            labels.getOrDefault("failure-domain.beta.kubernetes.io/zone", ""));
    if (region.isEmpty() && zone.isEmpty()) {
      return "";
    }
    return region + ":\u0000:" + zone;
  }
}
