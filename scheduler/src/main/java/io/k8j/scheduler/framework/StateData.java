package io.k8j.scheduler.framework;

/**
 * What a plugin keeps in the {@link CycleState} for one scheduling cycle. Preemption copies the
 * whole state to try nodes without touching the cycle's own, so mutable data must copy itself
 * deeply; immutable data may return itself.
 */
public interface StateData {
  StateData copy();
}
