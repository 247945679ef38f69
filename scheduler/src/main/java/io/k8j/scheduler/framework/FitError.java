package io.k8j.scheduler.framework;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * No node fits the pod. Its {@link #getMessage()} is upstream's, word for word, since users read it
 * in events and in the PodScheduled condition: {@code 0/3 nodes are available: 1 Insufficient cpu,
 * 2 node(s) had untolerated taint {key: value}. preemption: ...}.
 */
public final class FitError extends Exception {
  public static final String NO_NODE_AVAILABLE = "0/%d nodes are available";

  private final transient PodInfo pod;
  private final int numAllNodes;
  private final transient Diagnosis diagnosis;

  public FitError(PodInfo pod, int numAllNodes, Diagnosis diagnosis) {
    super(null, null, false, false);
    this.pod = pod;
    this.numAllNodes = numAllNodes;
    this.diagnosis = diagnosis;
  }

  public PodInfo pod() {
    return pod;
  }

  public int numAllNodes() {
    return numAllNodes;
  }

  public Diagnosis diagnosis() {
    return diagnosis;
  }

  @Override
  public String getMessage() {
    StringBuilder msg =
        new StringBuilder(String.format(NO_NODE_AVAILABLE, numAllNodes)).append(':');
    String preFilter = diagnosis.preFilterMessage();
    if (!preFilter.isEmpty()) {
      msg.append(' ').append(preFilter).append('.');
    } else {
      String histogram = reasonHistogram(diagnosis.nodeToStatus(), numAllNodes);
      if (!histogram.isEmpty()) {
        msg.append(' ').append(histogram).append('.');
      }
    }
    String postFilter = diagnosis.postFilterMessage();
    if (!postFilter.isEmpty()) {
      msg.append(' ').append(postFilter);
    }
    return msg.toString();
  }

  /**
   * "{@code 1 Insufficient cpu, 2 node(s) had untolerated taint {key: value}}": how many nodes gave
   * each reason, sorted as strings, with the absent nodes counted under the absent status.
   */
  public static String reasonHistogram(NodeToStatus statuses, int numAllNodes) {
    Map<String, Integer> reasons = new HashMap<>();
    statuses.forEachExplicitNode(
        (node, status) -> {
          for (String r : status.reasons()) {
            reasons.merge(r, 1, Integer::sum);
          }
        });
    if (statuses.size() < numAllNodes) {
      for (String r : statuses.absentNodesStatus().reasons()) {
        reasons.merge(r, numAllNodes - statuses.size(), Integer::sum);
      }
    }
    List<String> parts = new ArrayList<>(reasons.size());
    reasons.forEach((r, n) -> parts.add(n + " " + r));
    parts.sort(null);
    return String.join(", ", parts);
  }
}
