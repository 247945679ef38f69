package io.k8j.scheduler.framework;

/**
 * A scheduling plugin. Each plugin lives in its own package under {@code plugins/} with a {@code
 * NAME} constant and a factory, implements only the extension points it needs (the sub-interfaces
 * of this one), and is registered in {@code plugins.InTreeRegistry}.
 *
 * <p>Plugins are created once per profile. Filter and score methods are called from several threads
 * at once for different nodes, so they must not change shared state; everything a cycle computes
 * goes into the {@link CycleState}.
 */
public interface Plugin {
  String name();
}
