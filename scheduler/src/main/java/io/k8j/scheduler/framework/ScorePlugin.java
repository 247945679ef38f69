package io.k8j.scheduler.framework;

/**
 * Ranks the nodes that passed the filters. {@link #score} is called concurrently for different
 * nodes; {@link #normalize} once after all of them, to bring the scores into [0, {@link
 * #MAX_NODE_SCORE}] before the profile's weight is applied.
 */
public interface ScorePlugin extends Plugin {
  long MAX_NODE_SCORE = 100;
  long MIN_NODE_SCORE = 0;

  /**
   * @throws RuntimeException on an internal error, which fails the cycle with an error status
   */
  long score(CycleState state, PodInfo pod, NodeInfo node);

  /** Rewrites {@code scores} in place; the default keeps them as they are. */
  default void normalize(CycleState state, PodInfo pod, NodeScores scores) {}
}
