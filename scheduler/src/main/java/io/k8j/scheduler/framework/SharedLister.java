package io.k8j.scheduler.framework;

import java.util.List;

/**
 * The nodes of the current cycle's snapshot. Stable for the whole cycle: the cache changes only
 * between cycles.
 */
public interface SharedLister {
  /** Every node, in the order the scheduler walks them (zones interleaved). */
  List<NodeInfo> list();

  /** The nodes with at least one pod with (anti-)affinity terms. */
  List<NodeInfo> havePodsWithAffinity();

  /** The nodes with at least one pod with required anti-affinity terms. */
  List<NodeInfo> havePodsWithRequiredAntiAffinity();

  /** The node, or null. */
  NodeInfo get(String nodeName);
}
