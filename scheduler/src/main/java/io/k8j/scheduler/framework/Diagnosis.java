package io.k8j.scheduler.framework;

import java.util.HashSet;
import java.util.Set;

/**
 * What a failed cycle learned: each node's rejection, the plugins that rejected the pod (the queue
 * moves the pod back when a cluster event could change their minds), and the messages of pre-filter
 * and post-filter.
 */
public final class Diagnosis {
  private final NodeToStatus nodeToStatus = new NodeToStatus();
  private final Set<String> unschedulablePlugins = new HashSet<>();
  private final Set<String> pendingPlugins = new HashSet<>();
  private String preFilterMessage = "";
  private String postFilterMessage = "";

  public NodeToStatus nodeToStatus() {
    return nodeToStatus;
  }

  public Set<String> unschedulablePlugins() {
    return unschedulablePlugins;
  }

  public Set<String> pendingPlugins() {
    return pendingPlugins;
  }

  public String preFilterMessage() {
    return preFilterMessage;
  }

  public void setPreFilterMessage(String m) {
    preFilterMessage = m;
  }

  public String postFilterMessage() {
    return postFilterMessage;
  }

  public void setPostFilterMessage(String m) {
    postFilterMessage = m;
  }
}
