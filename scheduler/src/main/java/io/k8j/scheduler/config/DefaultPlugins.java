package io.k8j.scheduler.config;

import java.util.List;

/**
 * Upstream's default plugins (v1), in order, as one multi-point set with the default score weights:
 * TaintToleration 3, NodeAffinity 2, PodTopologySpread 2, InterPodAffinity 2, NodeResourcesFit 1,
 * NodeResourcesBalancedAllocation 1, ImageLocality 1.
 */
public final class DefaultPlugins {
  private DefaultPlugins() {}

  public static final PluginSet MULTI_POINT =
      new PluginSet(
          List.of(
              PluginRef.of("SchedulingGates"),
              PluginRef.of("PrioritySort"),
              PluginRef.of("NodeUnschedulable"),
              PluginRef.of("NodeName"),
              new PluginRef("TaintToleration", 3),
              new PluginRef("NodeAffinity", 2),
              PluginRef.of("NodePorts"),
              new PluginRef("NodeResourcesFit", 1),
              PluginRef.of("VolumeBinding"),
              new PluginRef("PodTopologySpread", 2),
              new PluginRef("InterPodAffinity", 2),
              PluginRef.of("DefaultPreemption"),
              new PluginRef("NodeResourcesBalancedAllocation", 1),
              new PluginRef("ImageLocality", 1),
              PluginRef.of("DefaultBinder")),
          List.of());
}
