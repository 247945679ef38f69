package io.k8j.scheduler.framework;

import java.util.List;

/**
 * Runs once per cycle before scoring, with the nodes that passed the filters; returns Skip to have
 * the plugin's score not run this cycle.
 */
public interface PreScorePlugin extends Plugin {
  Status preScore(CycleState state, PodInfo pod, List<NodeInfo> nodes);
}
