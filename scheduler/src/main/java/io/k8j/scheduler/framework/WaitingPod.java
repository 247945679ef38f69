package io.k8j.scheduler.framework;

import java.util.Set;

/** A pod held by permit plugins before binding. */
public interface WaitingPod {
  PodInfo pod();

  /** The plugins still holding the pod. */
  Set<String> pendingPlugins();

  /** {@code plugin} lets the pod go; it binds once every holding plugin has. */
  void allow(String plugin);

  /** Rejects the pod: it goes back to the queue. */
  void reject(String plugin, String message);
}
