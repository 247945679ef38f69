package io.k8j.scheduler.framework;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * Why each node was rejected in a cycle, as upstream's {@code NodeToStatus}: the nodes that were
 * evaluated, and one status standing for every node that was not (UnschedulableAndUnresolvable
 * unless set otherwise). Safe to fill from several threads.
 */
public final class NodeToStatus {
  private final Map<String, Status> statuses = new ConcurrentHashMap<>();
  private volatile Status absentNodesStatus = Status.unresolvable();

  public void set(String node, Status status) {
    statuses.put(node, status);
  }

  /** The node's status: its own, or the absent nodes' one. */
  public Status get(String node) {
    Status s = statuses.get(node);
    return s != null ? s : absentNodesStatus;
  }

  public Status absentNodesStatus() {
    return absentNodesStatus;
  }

  public void setAbsentNodesStatus(Status s) {
    absentNodesStatus = s;
  }

  public int size() {
    return statuses.size();
  }

  public void forEachExplicitNode(BiConsumer<String, Status> f) {
    statuses.forEach(f);
  }

  /** The nodes among {@code all} whose status has {@code code}, absent nodes included. */
  public List<NodeInfo> nodesWithCode(List<NodeInfo> all, Status.Code code) {
    List<NodeInfo> out = new ArrayList<>();
    for (NodeInfo n : all) {
      if (get(n.name()).code() == code) {
        out.add(n);
      }
    }
    return out;
  }
}
