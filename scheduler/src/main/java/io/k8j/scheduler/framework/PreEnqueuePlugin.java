package io.k8j.scheduler.framework;

/**
 * Decides whether a pod may enter the active queue at all (e.g. scheduling gates). Called whenever
 * the pod would move to the active queue; must be cheap and must not call the API server.
 */
public interface PreEnqueuePlugin extends Plugin {
  /** Success to let the pod in; anything else keeps it aside, gated, until it changes. */
  Status preEnqueue(PodInfo pod);
}
