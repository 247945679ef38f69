package io.k8j.scheduler.plugins;

import io.k8j.scheduler.framework.PluginFactory;
import io.k8j.scheduler.plugins.defaultbinder.DefaultBinder;
import io.k8j.scheduler.plugins.defaultpreemption.DefaultPreemption;
import io.k8j.scheduler.plugins.imagelocality.ImageLocality;
import io.k8j.scheduler.plugins.interpodaffinity.InterPodAffinity;
import io.k8j.scheduler.plugins.nodeaffinity.NodeAffinity;
import io.k8j.scheduler.plugins.nodename.NodeName;
import io.k8j.scheduler.plugins.nodeports.NodePorts;
import io.k8j.scheduler.plugins.noderesources.BalancedAllocation;
import io.k8j.scheduler.plugins.noderesources.Fit;
import io.k8j.scheduler.plugins.nodeunschedulable.NodeUnschedulable;
import io.k8j.scheduler.plugins.podtopologyspread.PodTopologySpread;
import io.k8j.scheduler.plugins.prioritysort.PrioritySort;
import io.k8j.scheduler.plugins.schedulinggates.SchedulingGates;
import io.k8j.scheduler.plugins.tainttoleration.TaintToleration;
import io.k8j.scheduler.plugins.volumebinding.VolumeBinding;
import java.util.Map;

/** Every in-tree plugin by name: the one place plugins are registered. */
public final class InTreeRegistry {
  private InTreeRegistry() {}

  public static Map<String, PluginFactory> plugins() {
    return Map.ofEntries(
        Map.entry(SchedulingGates.NAME, SchedulingGates::create),
        Map.entry(PrioritySort.NAME, PrioritySort::create),
        Map.entry(NodeUnschedulable.NAME, NodeUnschedulable::create),
        Map.entry(NodeName.NAME, NodeName::create),
        Map.entry(TaintToleration.NAME, TaintToleration::create),
        Map.entry(NodeAffinity.NAME, NodeAffinity::create),
        Map.entry(NodePorts.NAME, NodePorts::create),
        Map.entry(Fit.NAME, Fit::create),
        Map.entry(BalancedAllocation.NAME, BalancedAllocation::create),
        Map.entry(VolumeBinding.NAME, VolumeBinding::create),
        Map.entry(InterPodAffinity.NAME, InterPodAffinity::create),
        Map.entry(PodTopologySpread.NAME, PodTopologySpread::create),
        Map.entry(ImageLocality.NAME, ImageLocality::create),
        Map.entry(DefaultPreemption.NAME, DefaultPreemption::create),
        Map.entry(DefaultBinder.NAME, DefaultBinder::create));
  }
}
