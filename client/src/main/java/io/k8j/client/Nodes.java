package io.k8j.client;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeCondition;

/** What components read off a Node's status. */
public final class Nodes {
  private Nodes() {}

  /** The node's InternalIP, or null when it reports none. */
  public static String internalIp(Node n) {
    if (n.getStatus() == null || n.getStatus().getAddresses() == null) {
      return null;
    }
    for (NodeAddress a : n.getStatus().getAddresses()) {
      if ("InternalIP".equals(a.getType())) {
        return a.getAddress();
      }
    }
    return null;
  }

  /** Whether the node's Ready condition is True. */
  public static boolean isReady(Node n) {
    if (n.getStatus() == null || n.getStatus().getConditions() == null) {
      return false;
    }
    for (NodeCondition c : n.getStatus().getConditions()) {
      if ("Ready".equals(c.getType())) {
        return "True".equals(c.getStatus());
      }
    }
    return false;
  }
}
