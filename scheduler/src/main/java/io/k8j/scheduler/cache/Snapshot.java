package io.k8j.scheduler.cache;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.k8j.scheduler.framework.NodeInfo;
import io.k8j.scheduler.framework.PodInfo;
import io.k8j.scheduler.framework.SharedLister;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cache as of the start of a scheduling cycle: a copy of each node's NodeInfo, refreshed by
 * {@link SchedulerCache#updateSnapshot} only where a node changed since the last cycle.
 */
public final class Snapshot implements SharedLister {
  final Map<String, NodeInfo> nodeInfoMap = new HashMap<>();
  List<NodeInfo> nodeInfoList = new ArrayList<>();
  List<NodeInfo> havePodsWithAffinity = new ArrayList<>();
  List<NodeInfo> havePodsWithRequiredAntiAffinity = new ArrayList<>();
  long generation;

  /** A snapshot of these nodes with these pods on them (for tests). */
  public static Snapshot of(List<Node> nodes, List<Pod> pods) {
    List<PodInfo> infos = new ArrayList<>();
    for (Pod p : pods) {
      infos.add(PodInfo.of(p));
    }
    return ofPodInfos(nodes, infos);
  }

  /** A snapshot of these nodes with these pods on them (for tests). */
  public static Snapshot ofPodInfos(List<Node> nodes, List<PodInfo> pods) {
    Snapshot s = new Snapshot();
    for (Node n : nodes) {
      NodeInfo ni = new NodeInfo();
      ni.setNode(n);
      s.nodeInfoMap.put(n.getMetadata().getName(), ni);
      s.nodeInfoList.add(ni);
    }
    for (PodInfo p : pods) {
      NodeInfo ni = s.nodeInfoMap.get(p.nodeName());
      if (ni != null) {
        ni.addPod(p);
      }
    }
    for (NodeInfo ni : s.nodeInfoList) {
      if (!ni.podsWithAffinity().isEmpty()) {
        s.havePodsWithAffinity.add(ni);
      }
      if (!ni.podsWithRequiredAntiAffinity().isEmpty()) {
        s.havePodsWithRequiredAntiAffinity.add(ni);
      }
    }
    return s;
  }

  @Override
  public List<NodeInfo> list() {
    return nodeInfoList;
  }

  @Override
  public List<NodeInfo> havePodsWithAffinity() {
    return havePodsWithAffinity;
  }

  @Override
  public List<NodeInfo> havePodsWithRequiredAntiAffinity() {
    return havePodsWithRequiredAntiAffinity;
  }

  @Override
  public NodeInfo get(String nodeName) {
    return nodeInfoMap.get(nodeName);
  }

  public int numNodes() {
    return nodeInfoList.size();
  }

  public long generation() {
    return generation;
  }
}
