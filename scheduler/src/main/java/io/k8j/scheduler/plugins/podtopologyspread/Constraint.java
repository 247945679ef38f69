package io.k8j.scheduler.plugins.podtopologyspread;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.k8j.scheduler.framework.Selector;
import io.k8j.scheduler.plugins.helper.RequiredNodeAffinity;
import io.k8j.scheduler.plugins.helper.Taints;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A topology spread constraint as the plugin uses it: selector compiled (with {@code
 * matchLabelKeys} merged in), {@code minDomains} defaulted to 1, node inclusion policies defaulted
 * (node affinity honoured, taints ignored), as upstream.
 */
record Constraint(
    int maxSkew,
    String topologyKey,
    Selector selector,
    int minDomains,
    boolean honorNodeAffinity,
    boolean honorNodeTaints) {

  static final String HOSTNAME = "kubernetes.io/hostname";
  static final String ZONE = "topology.kubernetes.io/zone";

  /** The constraints of {@code action} (DoNotSchedule or ScheduleAnyway) among {@code all}. */
  static List<Constraint> filter(
      List<TopologySpreadConstraint> all, Map<String, String> podLabels, String action) {
    List<Constraint> out = new ArrayList<>();
    for (TopologySpreadConstraint c : all) {
      if (!action.equals(c.getWhenUnsatisfiable())) {
        continue;
      }
      Selector sel = Selector.of(c.getLabelSelector());
      if (c.getMatchLabelKeys() != null) {
        for (String key : c.getMatchLabelKeys()) {
          String v = podLabels.get(key);
          if (v != null) {
            sel = sel.and(new Selector.Requirement(key, Selector.Op.IN, Set.of(v)));
          }
        }
      }
      out.add(
          new Constraint(
              c.getMaxSkew() == null ? 1 : c.getMaxSkew(),
              c.getTopologyKey(),
              sel,
              c.getMinDomains() == null ? 1 : c.getMinDomains(),
              !"Ignore".equals(c.getNodeAffinityPolicy()),
              "Honor".equals(c.getNodeTaintsPolicy())));
    }
    return out;
  }

  Constraint withSelector(Selector s) {
    return new Constraint(maxSkew, topologyKey, s, minDomains, honorNodeAffinity, honorNodeTaints);
  }

  /** Whether the node counts for this constraint under its node inclusion policies. */
  boolean includes(
      Pod pod,
      String nodeName,
      Map<String, String> labels,
      java.util.List<io.fabric8.kubernetes.api.model.Taint> taints,
      RequiredNodeAffinity affinity) {
    if (honorNodeAffinity && !affinity.matches(nodeName, labels)) {
      return false;
    }
    if (honorNodeTaints
        && Taints.findUntolerated(taints, pod.getSpec().getTolerations(), Taints::blocksScheduling)
            != null) {
      return false;
    }
    return true;
  }

  static boolean nodeHasAllKeys(Map<String, String> labels, List<Constraint> constraints) {
    for (Constraint c : constraints) {
      if (!labels.containsKey(c.topologyKey())) {
        return false;
      }
    }
    return true;
  }
}
