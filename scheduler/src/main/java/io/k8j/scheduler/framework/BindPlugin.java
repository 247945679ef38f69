package io.k8j.scheduler.framework;

/**
 * Binds the pod to the node. Binders run in order until one returns something other than Skip. Runs
 * in the binding cycle, may block on the API server.
 */
public interface BindPlugin extends Plugin {
  Status bind(CycleState state, PodInfo pod, String nodeName);
}
