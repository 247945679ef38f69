package io.k8j.scheduler.framework;

import java.util.List;

/**
 * The pods nominated to nodes by preemption (their {@code status.nominatedNodeName}), which the
 * filters count as if they were already there for pods of lower or equal priority.
 */
public interface PodNominator {
  List<PodInfo> nominatedPodsForNode(String nodeName);

  PodNominator NONE = nodeName -> List.of();
}
