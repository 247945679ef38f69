package io.k8j.scheduler.framework;

/**
 * Runs in the binding cycle (on its own thread) before the pod is bound, e.g. to bind volumes. May
 * call the API server and block.
 */
public interface PreBindPlugin extends Plugin {
  Status preBind(CycleState state, PodInfo pod, String nodeName);
}
